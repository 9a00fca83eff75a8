// The form engine and anomaly rules as pure functions: validation table, boundaries, history rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assess, evaluateAnswers } from '../../domain/anomaly/evaluate.ts';
import { defaultForm } from '../../domain/forms/default-form.ts';
import {
  formDefinitionSchema,
  type FieldDefinition,
  type FormDefinition,
} from '../../domain/forms/form-definition.ts';
import { renderAnswers } from '../../domain/forms/render-answers.ts';
import { validateAnswers } from '../../domain/forms/validate-answers.ts';

const base = { temperature: 36.6, healthCode: 'green', hasSymptoms: false };
const label = { zh: '字段', en: 'Field' };
const oneField = (f: Partial<FieldDefinition> & Pick<FieldDefinition, 'type'>): FormDefinition => ({
  fields: [{ key: 'f', label, required: true, ...f }],
  historyRules: [],
});

describe('answer validation (default form)', () => {
  test('a complete valid answer set passes and keeps only visible fields', () => {
    const r = validateAnswers(defaultForm, {
      ...base,
      vaccinationDoses: 3,
      nucleicAcid: 'negative',
      travel14d: true,
      remarks: '好',
    });
    assert.equal(r.ok, true);
  });
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['required field missing', { temperature: 36.6, healthCode: 'green' }, 'hasSymptoms', 'required'],
    ['number as string', { ...base, temperature: '36.6' }, 'temperature', 'wrong_type'],
    ['number below min', { ...base, temperature: 33.9 }, 'temperature', 'too_small'],
    ['number above max', { ...base, temperature: 43.1 }, 'temperature', 'too_large'],
    ['number off step', { ...base, temperature: 36.65 }, 'temperature', 'step'],
    ['integer field with a fraction', { ...base, vaccinationDoses: 1.5 }, 'vaccinationDoses', 'step'],
    ['select outside options', { ...base, healthCode: 'blue' }, 'healthCode', 'not_an_option'],
    ['boolean as string', { ...base, hasSymptoms: 'no' }, 'hasSymptoms', 'wrong_type'],
    ['text too long', { ...base, remarks: 'x'.repeat(501) }, 'remarks', 'too_long'],
    ['unknown field', { ...base, mood: 'fine' }, 'mood', 'unknown_field'],
    ['hidden conditional field given', { ...base, symptoms: ['cough'] }, 'symptoms', 'not_applicable'],
    [
      'multiselect with a bad option',
      { ...base, hasSymptoms: true, symptoms: ['sneezing'] },
      'symptoms',
      'not_an_option',
    ],
    ['multiselect not a list', { ...base, hasSymptoms: true, symptoms: 'cough' }, 'symptoms', 'wrong_type'],
    [
      'multiselect with a duplicate',
      { ...base, hasSymptoms: true, symptoms: ['cough', 'cough'] },
      'symptoms',
      'wrong_type',
    ],
  ];
  for (const [name, answers, field, code] of cases) {
    test(`${name} → ${field}: ${code}, in Chinese and English`, () => {
      const r = validateAnswers(defaultForm, answers);
      assert.equal(r.ok, false);
      const e = !r.ok ? r.errors.find((x) => x.field === field) : undefined;
      assert.equal(e?.code, code, JSON.stringify(r));
      assert.match(e?.message.zh ?? '', /[\u4e00-\u9fff]/);
      assert.match(e?.message.en ?? '', /^[\x20-\x7e℃“”]+$/);
    });
  }
  test('the symptom list appears when symptoms are reported or the temperature is ≥ 37.3', () => {
    assert.equal(validateAnswers(defaultForm, { ...base, hasSymptoms: true, symptoms: ['cough'] }).ok, true);
    assert.equal(validateAnswers(defaultForm, { ...base, temperature: 37.3, symptoms: ['fever'] }).ok, true);
    assert.equal(validateAnswers(defaultForm, { ...base, temperature: 37.2, symptoms: ['fever'] }).ok, false);
  });
  test('a non-object is refused', () => {
    assert.equal(validateAnswers(defaultForm, [1, 2]).ok, false);
  });
});

describe('other field types', () => {
  const ok = (f: FormDefinition, v: unknown) => validateAnswers(f, { f: v }).ok;
  test('date', () => {
    const f = oneField({ type: 'date' });
    assert.equal(ok(f, '2026-02-28'), true);
    assert.equal(ok(f, '2026-02-30'), false);
    assert.equal(ok(f, '28/02/2026'), false);
  });
  test('location: coordinates with accuracy, or explicitly not provided', () => {
    const f = oneField({ type: 'location' });
    assert.equal(ok(f, { lat: 31.23, lng: 121.47, accuracy: 20 }), true);
    assert.equal(ok(f, { status: 'not_provided' }), true);
    assert.equal(ok(f, { lat: 91, lng: 0 }), false);
    assert.equal(ok(f, { lat: 1, lng: 2, extra: 1 }), false);
  });
  test('photo reference', () => {
    const f = oneField({ type: 'photo' });
    assert.equal(ok(f, { photoId: 'p_123' }), true);
    assert.equal(ok(f, 'p_123'), false);
  });
  test('text and select', () => {
    assert.equal(ok(oneField({ type: 'text', maxLength: 3 }), 'abcd'), false);
    assert.equal(ok(oneField({ type: 'select', options: [{ value: 'a', label }] }), 'a'), true);
  });
});

describe('form definitions', () => {
  test('the default form has 3 required fields and 5 optional ones besides the conditional symptom list', () => {
    const required = defaultForm.fields.filter((f) => f.required).map((f) => f.key);
    const optional = defaultForm.fields.filter((f) => !f.required && !f.visibleWhen).map((f) => f.key);
    assert.deepEqual(required, ['temperature', 'healthCode', 'hasSymptoms']);
    assert.equal(optional.length, 5);
    assert.equal(formDefinitionSchema.safeParse(defaultForm).success, true);
  });
  test('duplicate keys, selects without options and conditions on unknown fields are refused', () => {
    const dup = {
      fields: [
        { key: 'a', type: 'text', label },
        { key: 'a', type: 'text', label },
      ],
    };
    const noOptions = { fields: [{ key: 'a', type: 'select', label }] };
    const badCond = {
      fields: [{ key: 'a', type: 'text', label, visibleWhen: [{ field: 'zz', op: 'eq', value: 1 }] }],
    };
    for (const f of [dup, noOptions, badCond]) assert.equal(formDefinitionSchema.safeParse(f).success, false);
  });
});

describe('anomaly rules', () => {
  const sev = (answers: Record<string, unknown>, form = defaultForm) =>
    evaluateAnswers(form, { ...base, ...answers }).severity;
  test('temperature boundaries: 37.2 normal, 37.3 warning, 37.9 warning, 38.0 red', () => {
    assert.deepEqual(
      [37.2, 37.3, 37.9, 38.0].map((t) => sev({ temperature: t })),
      ['normal', 'warning', 'warning', 'red'],
    );
  });
  test('health code yellow → warning, red → red; symptoms → warning', () => {
    assert.equal(sev({ healthCode: 'yellow' }), 'warning');
    assert.equal(sev({ healthCode: 'red' }), 'red');
    assert.equal(sev({ hasSymptoms: true }), 'warning');
  });
  test('one reason per field: 38.2 ℃ is red only', () => {
    const r = evaluateAnswers(defaultForm, { ...base, temperature: 38.2 });
    assert.deepEqual(
      r.reasons.map((x) => [x.source, x.severity]),
      [['temperature', 'red']],
    );
  });
  test('rules are data: an admin-added "nucleic-acid positive → red" applies', () => {
    const form: FormDefinition = structuredClone(defaultForm);
    const field = form.fields.find((f) => f.key === 'nucleicAcid');
    assert.ok(field);
    field.rules = [{ op: 'eq', value: 'positive', severity: 'red' }];
    assert.equal(sev({ nucleicAcid: 'positive' }, form), 'red');
    assert.equal(sev({ nucleicAcid: 'negative' }, form), 'normal');
  });
  test('two warning days in a row → red; a warning after a normal day stays warning', () => {
    const warmYesterday = [
      { workDate: '2026-11-26', severity: 'warning' as const, answers: { ...base, temperature: 37.4 } },
    ];
    const fineYesterday = [{ workDate: '2026-11-26', severity: 'normal' as const, answers: base }];
    assert.equal(
      assess(defaultForm, '2026-11-27', { ...base, temperature: 37.4 }, warmYesterday).severity,
      'red',
    );
    assert.equal(
      assess(defaultForm, '2026-11-27', { ...base, temperature: 37.4 }, fineYesterday).severity,
      'warning',
    );
    assert.equal(assess(defaultForm, '2026-11-27', base, warmYesterday).severity, 'normal');
  });
  test('a fever within 3 days of a yellow code → red; 4 days later it is only a warning', () => {
    const yellow = (d: string) => [
      { workDate: d, severity: 'normal' as const, answers: { ...base, healthCode: 'yellow' } },
    ];
    const fever = { ...base, temperature: 37.5 };
    const r = assess(defaultForm, '2026-11-27', fever, yellow('2026-11-24'));
    assert.equal(r.severity, 'red');
    assert.ok(r.reasons.some((x) => x.source === 'history:within' && x.text.zh.includes('3 天内')));
    assert.equal(assess(defaultForm, '2026-11-27', fever, yellow('2026-11-23')).severity, 'warning');
  });
});

describe('rendering', () => {
  test('answers render with the labels and options of their own form version', () => {
    const v1 = defaultForm;
    const v2: FormDefinition = structuredClone(defaultForm);
    (v2.fields[1] as FieldDefinition).label = { zh: '健康码', en: 'Code' };
    const answers = { ...base, hasSymptoms: true, symptoms: ['cough', 'fatigue'] };
    const r1 = renderAnswers(v1, answers);
    assert.deepEqual(
      r1.find((x) => x.key === 'healthCode'),
      {
        key: 'healthCode',
        label: { zh: '健康码颜色', en: 'Health code colour' },
        value: { zh: '绿码', en: 'Green' },
      },
    );
    assert.equal(r1.find((x) => x.key === 'symptoms')?.value.zh, '咳嗽、乏力');
    assert.equal(r1.find((x) => x.key === 'temperature')?.value.en, '36.6 ℃');
    assert.equal(renderAnswers(v2, answers).find((x) => x.key === 'healthCode')?.label.zh, '健康码');
  });
});
