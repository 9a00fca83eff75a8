// Answers as label/value pairs in both languages, using the form version the record was made with.
import type { Answers } from './conditions.ts';
import type { FormDefinition, LocalizedText } from './form-definition.ts';
import { isRemovedByRetention } from '../privacy/minimisation.ts';

/** What a location or photo the retention policy removed reads as (the UI, the reports). */
export const removedByRetention: LocalizedText = {
  zh: '已按保留策略删除',
  en: 'removed by retention policy',
};

export interface RenderedAnswer {
  key: string;
  label: LocalizedText;
  value: LocalizedText;
}

export function renderAnswers(form: FormDefinition, answers: Answers): RenderedAnswer[] {
  const out: RenderedAnswer[] = [];
  for (const f of form.fields) {
    const v = answers[f.key];
    if (v === undefined || v === null) continue;
    const option = (x: unknown) =>
      f.options?.find((o) => o.value === x)?.label ?? { zh: String(x), en: String(x) };
    let value: LocalizedText;
    if (f.type === 'select') value = option(v);
    else if (f.type === 'multiselect' && Array.isArray(v)) {
      const labels = v.map(option);
      value = { zh: labels.map((l) => l.zh).join('、'), en: labels.map((l) => l.en).join(', ') };
    } else if (f.type === 'boolean') value = v ? { zh: '是', en: 'Yes' } : { zh: '否', en: 'No' };
    else if (f.type === 'number' && typeof v === 'number') {
      const text = `${v}${f.unit ? ` ${f.unit}` : ''}`;
      value = { zh: text, en: text };
    } else if ((f.type === 'location' || f.type === 'photo') && isRemovedByRetention(v)) {
      value = removedByRetention;
    } else if (f.type === 'location' && typeof v === 'object') {
      const loc = v as { lat?: number; lng?: number; status?: string };
      value = loc.status
        ? { zh: '未提供', en: 'not provided' }
        : { zh: `${loc.lat}, ${loc.lng}`, en: `${loc.lat}, ${loc.lng}` };
    } else if (f.type === 'photo' && typeof v === 'object') {
      const id = (v as { photoId?: string }).photoId ?? '';
      value = { zh: `照片 ${id}`, en: `photo ${id}` };
    } else {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      value = { zh: text, en: text };
    }
    out.push({ key: f.key, label: f.label, value });
  }
  return out;
}
