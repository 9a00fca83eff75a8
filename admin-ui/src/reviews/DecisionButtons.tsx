// Approve / reject / request a recheck: calls the decision endpoint (the review workflow's Update)
// and shows the result; rendered only while the review waits and the person may decide.
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import ReplayIcon from '@mui/icons-material/Replay';
import { Stack, TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import { Button, useCanAccess, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { httpClient } from '../dataProvider.ts';

type Decision = 'approve' | 'reject' | 'request_recheck';

export const DecisionButtons = () => {
  const record = useRecordContext<{ id: number; status: string }>();
  const { canAccess } = useCanAccess({ resource: 'reviews', action: 'edit' });
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  const refresh = useRefresh();
  const t = useTranslate();
  if (!record || !canAccess || (record.status !== 'pending' && record.status !== 'recheck_requested'))
    return null;

  const decide = async (decision: Decision) => {
    setBusy(true);
    try {
      await httpClient(`/api/reviews/${record.id}/decision`, {
        method: 'POST',
        body: JSON.stringify({ decision, ...(comment ? { comment } : {}) }),
      });
      notify(`reviews.decided.${decision}`, { type: 'success' });
      refresh();
    } catch (e) {
      notify((e as { body?: { title?: string } }).body?.title ?? (e as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ my: 2, alignItems: 'center' }}>
      <MuiTextField
        size="small"
        label={t('reviews.comment')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        slotProps={{ htmlInput: { maxLength: 500 } }}
      />
      <Button
        label="reviews.approve"
        variant="contained"
        color="success"
        disabled={busy}
        onClick={() => void decide('approve')}
      >
        <CheckIcon />
      </Button>
      <Button
        label="reviews.reject"
        variant="contained"
        color="error"
        disabled={busy}
        onClick={() => void decide('reject')}
      >
        <CloseIcon />
      </Button>
      <Button
        label="reviews.request_recheck"
        variant="outlined"
        disabled={busy}
        onClick={() => void decide('request_recheck')}
      >
        <ReplayIcon />
      </Button>
    </Stack>
  );
};
