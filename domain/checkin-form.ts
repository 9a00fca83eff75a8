// The built-in form as the page renders it (labels in zh-CN and English). The form engine will
// replace this with versioned, company-defined schemas.
export const checkinFormDescription = {
  version: 0,
  fields: [
    {
      key: 'temperature',
      type: 'number',
      required: true,
      unit: '℃',
      min: 34,
      max: 43,
      step: 0.1,
      label: { zh: '体温', en: 'Temperature' },
    },
    {
      key: 'healthCode',
      type: 'select',
      required: true,
      options: ['green', 'yellow', 'red'],
      optionLabels: { zh: ['绿码', '黄码', '红码'], en: ['Green', 'Yellow', 'Red'] },
      label: { zh: '健康码颜色', en: 'Health code colour' },
    },
    { key: 'vaccinated', type: 'boolean', required: true, label: { zh: '已接种疫苗', en: 'Vaccinated' } },
    {
      key: 'symptoms',
      type: 'multiselect',
      required: false,
      options: ['发热', '咳嗽', '乏力', '咽痛', '腹泻'],
      label: { zh: '症状', en: 'Symptoms' },
    },
    { key: 'remarks', type: 'text', required: false, label: { zh: '备注', en: 'Remarks' } },
  ],
} as const;
