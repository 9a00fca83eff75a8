// The 代填 dialog: today's published form through the shared FormRenderer, checked with the API's
// own validator before sending, plus the required reason; the API's per-field errors land on the
// fields they name.
import {
  Alert,
  Button as MuiButton,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useLocaleState, useNotify, useRefresh, useTranslate } from 'react-admin';
import type { FormDefinition } from '../../../domain/forms/form-definition.ts';
import { validateAnswers } from '../../../domain/forms/validate-answers.ts';
import { getJson, httpClient } from '../dataProvider.ts';
import { FormRenderer, type Lang } from '../form-renderer/FormRenderer.tsx';
import { withoutHiddenFields } from '../form-renderer/visible-values.ts';
import { issueText, problemOf, problemTitle } from '../problem-text.ts';

export const REASON_MAX = 200;

interface PublishedForm {
  version: number;
  definition: FormDefinition;
}

/** A fresh idempotency key per opening: a double click or a retry after a timeout stores one record. */
const newKey = () => `proxy-${crypto.randomUUID()}`;

export function ProxyCheckinDialog(props: {
  employee: { id: number; name: string };
  open: boolean;
  onClose: () => void;
}) {
  const { employee, open, onClose } = props;
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [locale] = useLocaleState();
  const lang: Lang = locale === 'en' ? 'en' : 'zh';
  const [form, setForm] = useState<PublishedForm | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newKey);

  useEffect(() => {
    if (!open) return;
    setValues({});
    setReason('');
    setTried(false);
    setServerErrors({});
    setProblem(null);
    setKey(newKey());
    getJson<PublishedForm>('/api/forms/current').then(setForm, (e: unknown) =>
      setProblem((e as Error).message),
    );
  }, [open]);

  const answers = form ? withoutHiddenFields(form.definition, values) : {};
  const result = form ? validateAnswers(form.definition, answers) : undefined;
  const errors: Record<string, string> = { ...serverErrors };
  if (tried && result && !result.ok) for (const e of result.errors) errors[e.field] ??= e.message[lang];
  const reasonError =
    serverErrors.reason ?? (tried && !reason.trim() ? t('proxy.reason_required') : undefined);

  const submit = async () => {
    setTried(true);
    setServerErrors({});
    setProblem(null);
    if (!form || !result?.ok || !reason.trim()) return;
    setBusy(true);
    try {
      await httpClient(`/api/employees/${employee.id}/proxy-checkins`, {
        method: 'POST',
        body: JSON.stringify({
          idempotencyKey: key,
          answers: result.answers,
          formVersion: form.version,
          reason: reason.trim(),
        }),
      });
      notify('proxy.done', { type: 'success', messageArgs: { name: employee.name } });
      refresh();
      onClose();
    } catch (e) {
      const body = problemOf(e);
      const byField: Record<string, string> = {};
      const rest: string[] = [];
      for (const x of body?.errors ?? []) {
        const text = issueText(x, t, lang);
        if (x.field.startsWith('answers.')) byField[x.field.slice('answers.'.length)] = text;
        else if (x.field === 'reason') byField.reason = text;
        else rest.push(text);
      }
      setServerErrors(byField);
      setProblem([problemTitle(body, t, (e as Error).message), ...rest].join(' · '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth data-testid="proxy-dialog">
      <DialogTitle>{t('proxy.title', { name: employee.name })}</DialogTitle>
      <DialogContent style={{ display: 'grid', gap: 16 }}>
        {problem && <Alert severity="error">{problem}</Alert>}
        {form ? (
          <FormRenderer
            form={form.definition}
            values={answers}
            onChange={setValues}
            errors={errors}
            lang={lang}
            disabled={busy}
            // A photo must come from the employee's own phone; a proxy has none to upload.
            renderPhoto={({ inputId }) => (
              <output id={inputId} className="fr-value">
                {t('proxy.photo_unavailable')}
              </output>
            )}
          />
        ) : (
          !problem && <div>{t('proxy.loading')}</div>
        )}
        <TextField
          label={t('proxy.reason')}
          helperText={reasonError ?? t('proxy.reason_help')}
          error={Boolean(reasonError)}
          required
          multiline
          minRows={2}
          value={reason}
          disabled={busy}
          onChange={(e) => setReason(e.target.value)}
          slotProps={{ htmlInput: { maxLength: REASON_MAX, 'data-testid': 'proxy-reason' } }}
        />
      </DialogContent>
      <DialogActions>
        <MuiButton onClick={onClose}>{t('ra.action.cancel')}</MuiButton>
        <MuiButton variant="contained" disabled={busy || !form} onClick={() => void submit()}>
          {t('proxy.submit')}
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}
