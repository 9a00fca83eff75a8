// The employee's form as the builder's unsaved draft stands: the shared FormRenderer with the shared
// visibility rules, the shared validator's messages (for touched fields, or all after "try
// submitting"), and what the anomaly rules would make of the answers.
import { Alert, Button, Card, CardContent, CardHeader, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { evaluateAnswers } from '../../../domain/anomaly/evaluate.ts';
import type { FormDefinition } from '../../../domain/forms/form-definition.ts';
import { validateAnswers } from '../../../domain/forms/validate-answers.ts';
import { FormRenderer, type Lang } from '../form-renderer/FormRenderer.tsx';
import { withoutHiddenFields } from '../form-renderer/visible-values.ts';

export function FormPreview({ form }: { form: FormDefinition }) {
  const t = useTranslate();
  const [lang, setLang] = useState<Lang>('zh');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);

  // Answers to fields the draft no longer has (or now hides) are dropped as the draft changes.
  const keys = new Set(form.fields.map((f) => f.key));
  const answers = withoutHiddenFields(
    form,
    Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k))),
  );
  const result = validateAnswers(form, answers);
  const errors: Record<string, string> = {};
  if (!result.ok) {
    for (const e of result.errors) {
      if ((showAll || touched.has(e.field)) && !errors[e.field]) errors[e.field] = e.message[lang];
    }
  }
  const assessment = result.ok ? evaluateAnswers(form, result.answers) : undefined;

  const change = (next: Record<string, unknown>) => {
    const changed = new Set(touched);
    for (const k of new Set([...Object.keys(next), ...Object.keys(values)]))
      if (next[k] !== values[k]) changed.add(k);
    setTouched(changed);
    setValues(next);
  };

  return (
    <Card data-testid="form-preview" style={{ position: 'sticky', top: 72 }}>
      <CardHeader
        title={t('forms.preview.title')}
        action={
          <ToggleButtonGroup
            size="small"
            exclusive
            value={lang}
            onChange={(_e, v: Lang | null) => v && setLang(v)}
            aria-label={t('forms.preview.lang')}
          >
            <ToggleButton value="zh">中文</ToggleButton>
            <ToggleButton value="en">English</ToggleButton>
          </ToggleButtonGroup>
        }
      />
      <CardContent style={{ display: 'grid', gap: 12 }}>
        <div className="fb-phone">
          <FormRenderer form={form} values={answers} onChange={change} errors={errors} lang={lang} />
        </div>
        <div className="fb-row">
          <Button variant="outlined" size="small" onClick={() => setShowAll(true)}>
            {t('forms.preview.try_submit')}
          </Button>
          <Button
            size="small"
            onClick={() => {
              setValues({});
              setTouched(new Set());
              setShowAll(false);
            }}
          >
            {t('forms.preview.reset')}
          </Button>
        </div>
        {result.ok ? (
          <Alert
            severity={assessment?.severity === 'normal' ? 'success' : 'warning'}
            data-testid="preview-result"
          >
            {t('forms.preview.valid')} · {t('forms.preview.severity')}:{' '}
            {t(`app.severity.${assessment?.severity ?? 'normal'}`)}
            {assessment?.reasons.length ? ` (${assessment.reasons.map((r) => r.text[lang]).join('; ')})` : ''}
          </Alert>
        ) : (
          showAll && (
            <Alert severity="error" data-testid="preview-result">
              {t('forms.preview.invalid', { count: result.errors.length })}
            </Alert>
          )
        )}
      </CardContent>
    </Card>
  );
}
