// The form a new company starts with: 3 required fields, a conditional symptom list, 5 optional.
import type { FormDefinition } from './form-definition.ts';

export const defaultForm: FormDefinition = {
  fields: [
    {
      key: 'temperature',
      type: 'number',
      label: { zh: '体温', en: 'Temperature' },
      help: { zh: '请测量腋下体温', en: 'Measure under the arm' },
      required: true,
      unit: '℃',
      min: 34,
      max: 43,
      step: 0.1,
      rules: [
        {
          op: 'gte',
          value: 37.3,
          severity: 'warning',
          reason: { zh: '体温 ≥ 37.3 ℃', en: 'temperature ≥ 37.3 ℃' },
        },
        {
          op: 'gte',
          value: 38,
          severity: 'red',
          reason: { zh: '体温 ≥ 38.0 ℃', en: 'temperature ≥ 38.0 ℃' },
        },
      ],
    },
    {
      key: 'healthCode',
      type: 'select',
      label: { zh: '健康码颜色', en: 'Health code colour' },
      required: true,
      options: [
        { value: 'green', label: { zh: '绿码', en: 'Green' } },
        { value: 'yellow', label: { zh: '黄码', en: 'Yellow' } },
        { value: 'red', label: { zh: '红码', en: 'Red' } },
      ],
      rules: [
        { op: 'eq', value: 'yellow', severity: 'warning', reason: { zh: '黄码', en: 'yellow health code' } },
        { op: 'eq', value: 'red', severity: 'red', reason: { zh: '红码', en: 'red health code' } },
      ],
    },
    {
      key: 'hasSymptoms',
      type: 'boolean',
      label: { zh: '是否有不适症状', en: 'Any symptoms' },
      required: true,
      rules: [
        { op: 'eq', value: true, severity: 'warning', reason: { zh: '有不适症状', en: 'symptoms reported' } },
      ],
    },
    {
      key: 'symptoms',
      type: 'multiselect',
      label: { zh: '症状', en: 'Symptoms' },
      required: false,
      options: [
        { value: 'fever', label: { zh: '发热', en: 'Fever' } },
        { value: 'cough', label: { zh: '咳嗽', en: 'Cough' } },
        { value: 'fatigue', label: { zh: '乏力', en: 'Fatigue' } },
        { value: 'sore_throat', label: { zh: '咽痛', en: 'Sore throat' } },
        { value: 'diarrhoea', label: { zh: '腹泻', en: 'Diarrhoea' } },
        { value: 'smell_taste', label: { zh: '嗅觉味觉减退', en: 'Loss of smell or taste' } },
      ],
      visibleWhen: [
        { field: 'hasSymptoms', op: 'eq', value: true },
        { field: 'temperature', op: 'gte', value: 37.3 },
      ],
    },
    {
      key: 'vaccinationDoses',
      type: 'number',
      label: { zh: '疫苗接种剂次', en: 'Vaccination doses' },
      required: false,
      min: 0,
      max: 6,
      step: 1,
      prefill: true,
    },
    {
      key: 'nucleicAcid',
      type: 'select',
      label: { zh: '最近核酸结果', en: 'Latest nucleic-acid result' },
      required: false,
      options: [
        { value: 'negative', label: { zh: '阴性', en: 'Negative' } },
        { value: 'positive', label: { zh: '阳性', en: 'Positive' } },
        { value: 'not_tested', label: { zh: '未检测', en: 'Not tested' } },
      ],
    },
    {
      key: 'medication',
      type: 'text',
      label: { zh: '近期用药', en: 'Medication taken' },
      required: false,
      maxLength: 200,
    },
    {
      key: 'travel14d',
      type: 'boolean',
      label: { zh: '近 14 天是否出行', en: 'Travel in the last 14 days' },
      required: false,
      prefill: true,
    },
    { key: 'remarks', type: 'text', label: { zh: '备注', en: 'Remarks' }, required: false, maxLength: 500 },
  ],
  historyRules: [
    { kind: 'consecutive', days: 2, atLeast: 'warning', severity: 'red' },
    {
      kind: 'within',
      when: { field: 'temperature', op: 'gte', value: 37.3 },
      previously: { field: 'healthCode', op: 'eq', value: 'yellow' },
      windowDays: 3,
      severity: 'red',
    },
  ],
};
