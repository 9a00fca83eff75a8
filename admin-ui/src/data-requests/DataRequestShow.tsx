// One correction or deletion request: what the employee asked, and HR's decision with a required
// reason. An approved deletion removes the person's health data (all of it, or the named record);
// an approved correction may carry the record's corrected answers (JSON), applied as an audited
// amendment. The decision is the request workflow's Update; it is audited with who, when and why.
import { Alert, Button, Stack, TextField as MuiTextField, Typography } from '@mui/material';
import { useState } from 'react';
import {
  BooleanField,
  Show,
  SimpleShowLayout,
  TextField,
  useLocaleState,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import type { DataRequestKind, DataRequestStatus } from '../../../domain/privacy/data-request.ts';
import { CompanyDateTimeField } from '../company-date-fields.tsx';
import { httpClient } from '../dataProvider.ts';
import { problemText } from '../problem-text.ts';
import { KindField, StatusField } from './DataRequestList.tsx';

interface DataRequestRecord {
  id: number;
  kind: DataRequestKind;
  status: DataRequestStatus;
  record_id: number | null;
  outcome: Record<string, unknown> | null;
}

const Decide = () => {
  const r = useRecordContext<DataRequestRecord>();
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [locale] = useLocaleState();
  const [reason, setReason] = useState('');
  const [corrections, setCorrections] = useState('');
  const [busy, setBusy] = useState(false);
  if (!r || r.status !== 'pending') return null;
  const decide = async (decision: 'approve' | 'reject') => {
    let parsed: Record<string, unknown> | undefined;
    if (decision === 'approve' && corrections.trim()) {
      try {
        parsed = JSON.parse(corrections) as Record<string, unknown>;
      } catch {
        notify('data_requests.corrections_json', { type: 'error' });
        return;
      }
    }
    setBusy(true);
    try {
      await httpClient(`/api/ra/data-requests/${r.id}/decision`, {
        method: 'POST',
        body: JSON.stringify({ decision, reason, ...(parsed ? { corrections: parsed } : {}) }),
      });
      notify(`data_requests.decided.${decision}`, { type: 'success' });
      refresh();
    } catch (e) {
      notify(
        problemText(e, t, locale === 'en' ? 'en' : 'zh', (f) => t(`data_requests.fields.${f.split('.')[0]}`)),
        { type: 'error' },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack spacing={1.5} sx={{ my: 2, maxWidth: 720 }} data-testid="data-request-decision">
      {r.kind === 'deletion' ? (
        <Alert severity="warning">
          {t(r.record_id === null ? 'data_requests.deletion_all' : 'data_requests.deletion_record')}
        </Alert>
      ) : (
        <MuiTextField
          size="small"
          multiline
          minRows={2}
          label={t('data_requests.fields.corrections')}
          helperText={t('data_requests.corrections_help')}
          value={corrections}
          onChange={(e) => setCorrections(e.target.value)}
          disabled={r.record_id === null}
        />
      )}
      <MuiTextField
        size="small"
        required
        label={t('data_requests.fields.reason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        slotProps={{ htmlInput: { maxLength: 2000 } }}
      />
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        <Button
          variant="contained"
          color="success"
          disabled={busy || !reason.trim()}
          onClick={() => void decide('approve')}
        >
          {t('data_requests.approve')}
        </Button>
        <Button
          variant="contained"
          color="error"
          disabled={busy || !reason.trim()}
          onClick={() => void decide('reject')}
        >
          {t('data_requests.reject')}
        </Button>
      </Stack>
    </Stack>
  );
};

const Outcome = () => {
  const r = useRecordContext<DataRequestRecord>();
  const t = useTranslate();
  if (!r?.outcome) return null;
  const deleted = r.outcome.deleted as { records: number; photos: number; reviews: number } | undefined;
  const fields = r.outcome.correctedFields as string[] | undefined;
  return (
    <Typography variant="body2" data-testid="data-request-outcome">
      {deleted
        ? t('data_requests.outcome_deleted', deleted)
        : t('data_requests.outcome_corrected', { fields: fields?.length ? fields.join(', ') : '—' })}
    </Typography>
  );
};

export const DataRequestShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="id" />
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <KindField label="resources.data-requests.fields.kind" />
      <TextField source="record_id" emptyText="—" />
      <TextField source="message" />
      <StatusField label="resources.data-requests.fields.status" />
      <BooleanField source="escalated" />
      <CompanyDateTimeField source="created_at" />
      <TextField source="decided_by" emptyText="—" />
      <CompanyDateTimeField source="decided_at" />
      <TextField source="reason" emptyText="—" />
      <Outcome />
      <Decide />
    </SimpleShowLayout>
  </Show>
);
