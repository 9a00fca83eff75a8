// The one validator derived from a form: used by the API at the edge and exported for the UIs.
// Errors are per field and carry both zh-CN and English text.
import { holds, type Answers } from './conditions.ts';
import type { FieldDefinition, FormDefinition, LocalizedText } from './form-definition.ts';

export type AnswerErrorCode =
  | 'not_an_object'
  | 'unknown_field'
  | 'required'
  | 'not_applicable'
  | 'wrong_type'
  | 'too_small'
  | 'too_large'
  | 'step'
  | 'not_an_option'
  | 'too_long'
  | 'invalid_date'
  | 'invalid_location';

export interface AnswerError {
  field: string;
  code: AnswerErrorCode;
  message: LocalizedText;
}

export type ValidationResult = { ok: true; answers: Answers } | { ok: false; errors: AnswerError[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function isVisible(field: FieldDefinition, answers: Answers): boolean {
  return !field.visibleWhen?.length || field.visibleWhen.some((c) => holds(c, answers));
}

function checkValue(f: FieldDefinition, v: unknown): Omit<AnswerError, 'field'> | null {
  const L = f.label;
  const err = (code: AnswerErrorCode, zh: string, en: string) => ({ code, message: { zh, en } });
  switch (f.type) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v))
        return err('wrong_type', `${L.zh}必须是数字`, `${L.en} must be a number`);
      const unit = f.unit ? ` ${f.unit}` : '';
      if (f.min !== undefined && v < f.min)
        return err(
          'too_small',
          `${L.zh}不能低于 ${f.min}${unit}`,
          `${L.en} must be at least ${f.min}${unit}`,
        );
      if (f.max !== undefined && v > f.max)
        return err('too_large', `${L.zh}不能高于 ${f.max}${unit}`, `${L.en} must be at most ${f.max}${unit}`);
      if (f.step !== undefined) {
        const n = (v - (f.min ?? 0)) / f.step;
        if (Math.abs(n - Math.round(n)) > 1e-6)
          return err('step', `${L.zh}的精度为 ${f.step}`, `${L.en} must be in steps of ${f.step}`);
      }
      return null;
    }
    case 'select':
      if (typeof v !== 'string')
        return err('wrong_type', `${L.zh}必须是一个选项`, `${L.en} must be one option`);
      if (!f.options?.some((o) => o.value === v))
        return err('not_an_option', `${L.zh}没有选项“${v}”`, `${L.en} has no option "${v}"`);
      return null;
    case 'multiselect': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        return err('wrong_type', `${L.zh}必须是选项列表`, `${L.en} must be a list of options`);
      }
      const bad = (v as string[]).find((x) => !f.options?.some((o) => o.value === x));
      if (bad !== undefined)
        return err('not_an_option', `${L.zh}没有选项“${bad}”`, `${L.en} has no option "${bad}"`);
      if (new Set(v).size !== v.length)
        return err('wrong_type', `${L.zh}的选项重复`, `${L.en} lists an option twice`);
      return null;
    }
    case 'text': {
      if (typeof v !== 'string') return err('wrong_type', `${L.zh}必须是文字`, `${L.en} must be text`);
      const max = f.maxLength ?? 500;
      if (v.length > max)
        return err('too_long', `${L.zh}最多 ${max} 个字`, `${L.en} must be at most ${max} characters`);
      return null;
    }
    case 'date': {
      const ok =
        typeof v === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(v) &&
        new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
      return ok
        ? null
        : err('invalid_date', `${L.zh}必须是日期 YYYY-MM-DD`, `${L.en} must be a date YYYY-MM-DD`);
    }
    case 'boolean':
      return typeof v === 'boolean'
        ? null
        : err('wrong_type', `${L.zh}请选择是或否`, `${L.en} must be yes or no`);
    case 'location': {
      if (isPlainObject(v) && v.status === 'not_provided' && Object.keys(v).length === 1) return null;
      const ok =
        isPlainObject(v) &&
        typeof v.lat === 'number' &&
        typeof v.lng === 'number' &&
        Math.abs(v.lat) <= 90 &&
        Math.abs(v.lng) <= 180 &&
        (v.accuracy === undefined || (typeof v.accuracy === 'number' && v.accuracy >= 0)) &&
        Object.keys(v).every((k) => ['lat', 'lng', 'accuracy'].includes(k));
      return ok
        ? null
        : err(
            'invalid_location',
            `${L.zh}必须是经纬度（或“未提供”）`,
            `${L.en} must be {lat, lng, accuracy} or {status: "not_provided"}`,
          );
    }
    case 'photo': {
      const ok =
        isPlainObject(v) &&
        typeof v.photoId === 'string' &&
        /^[\w-]{1,100}$/.test(v.photoId) &&
        Object.keys(v).length === 1;
      return ok
        ? null
        : err('wrong_type', `${L.zh}必须是已上传照片的编号`, `${L.en} must reference an uploaded photo`);
    }
  }
}

export function validateAnswers(form: FormDefinition, input: unknown): ValidationResult {
  if (!isPlainObject(input)) {
    return {
      ok: false,
      errors: [
        {
          field: 'answers',
          code: 'not_an_object',
          message: { zh: '答案必须是对象', en: 'answers must be an object' },
        },
      ],
    };
  }
  const errors: AnswerError[] = [];
  const known = new Map(form.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(input)) {
    if (!known.has(key))
      errors.push({
        field: key,
        code: 'unknown_field',
        message: { zh: `表单中没有字段“${key}”`, en: `the form has no field "${key}"` },
      });
  }
  const answers: Answers = {};
  for (const f of form.fields) {
    const v = input[f.key];
    const present = v !== undefined && v !== null && v !== '';
    const visible = isVisible(f, input);
    if (!visible) {
      if (present)
        errors.push({
          field: f.key,
          code: 'not_applicable',
          message: {
            zh: `${f.label.zh}在当前回答下不适用`,
            en: `${f.label.en} does not apply to these answers`,
          },
        });
      continue;
    }
    if (!present) {
      if (f.required)
        errors.push({
          field: f.key,
          code: 'required',
          message: { zh: `请填写${f.label.zh}`, en: `${f.label.en} is required` },
        });
      continue;
    }
    const e = checkValue(f, v);
    if (e) errors.push({ field: f.key, ...e });
    else answers[f.key] = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, answers };
}
