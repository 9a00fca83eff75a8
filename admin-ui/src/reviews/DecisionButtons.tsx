// Approve / reject / request a recheck: calls the decision endpoint (the review workflow's Update)
// and shows the result. Rendered only while the review waits and the API says this person decides
// it (the same department-tree rule the notifications follow). Labelled buttons that never wrap
// their text: on a 360 px phone they stack at full width.
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import ReplayIcon from '@mui/icons-material/Replay';
import { Button, Stack, TextField, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useNotify, useRefresh, useTranslate } from 'react-admin';
import { httpClient } from '../dataProvider.ts';
import type { ReviewPageData } from './useReviewPage.ts';
import { problemOf } from '../problem-text.ts';

type Decision = 'approve' | 'reject' | 'request_recheck';

const buttons: {
  decision: Decision;
  icon: ReactNode;
  variant: 'contained' | 'outlined';
  color: 'success' | 'error' | 'primary';
}[] = [
  { decision: 'approve', icon: <CheckIcon />, variant: 'contained', color: 'success' },
  { decision: 'reject', icon: <CloseIcon />, variant: 'contained', color: 'error' },
  { decision: 'request_recheck', icon: <ReplayIcon />, variant: 'outlined', color: 'primary' },
];

export const DecisionButtons = ({ page }: { page: ReviewPageData }) => {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  const refresh = useRefresh();
  const t = useTranslate();
  if (page.status !== 'pending' && page.status !== 'recheck_requested') return null;
  if (!page.can_decide)
    return (
      <Typography color="text.secondary" data-testid="review-not-yours">
        {t('review_page.not_yours')}
      </Typography>
    );

  const decide = async (decision: Decision) => {
    setBusy(true);
    try {
      await httpClient(`/api/reviews/${page.id}/decision`, {
        method: 'POST',
        body: JSON.stringify({ decision, ...(comment ? { comment } : {}) }),
      });
      notify(`reviews.decided.${decision}`, { type: 'success' });
      refresh();
    } catch (e) {
      // review_not_yours has a longer explanation of its own on this page
      notify(
        problemOf(e)?.code === 'review_not_yours'
          ? t('review_errors.review_not_yours')
          : (e as Error).message,
        { type: 'error' },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack spacing={1.5} sx={{ my: 2, width: '100%', maxWidth: 720 }} data-testid="decision-buttons">
      <TextField
        size="small"
        fullWidth
        label={t('reviews.comment')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        slotProps={{ htmlInput: { maxLength: 500 } }}
      />
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        {buttons.map((b) => (
          <Button
            key={b.decision}
            variant={b.variant}
            color={b.color}
            startIcon={b.icon}
            disabled={busy}
            onClick={() => void decide(b.decision)}
            sx={{ whiteSpace: 'nowrap', flexShrink: 0, minWidth: 112, minHeight: 44 }}
          >
            {t(`reviews.${b.decision}`)}
          </Button>
        ))}
      </Stack>
    </Stack>
  );
};
