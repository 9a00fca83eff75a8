// A review as a manager needs it, on a desk or on the phone inside DingTalk: who and what (the
// readings that caused it), who it waits for or who decided, the history in words, and the
// decision buttons for whoever the review was routed to.
import { Divider, Typography } from '@mui/material';
import { Show, SimpleShowLayout, TextField, useRecordContext, useTranslate } from 'react-admin';
import { ReviewStatusField, SeverityField } from '../severity.tsx';
import { DecisionButtons } from './DecisionButtons.tsx';
import { ReviewHistory } from './ReviewHistory.tsx';
import { ReviewReadings } from './ReviewReadings.tsx';
import { useReviewPage } from './useReviewPage.ts';
import { WaitingFor } from './WaitingFor.tsx';
import { CalendarDateField } from '../company-date-fields.tsx';

const ReviewPage = (_props: { label?: string | false }) => {
  const record = useRecordContext<{ id: number }>();
  const t = useTranslate();
  const { data: page } = useReviewPage(record?.id);
  if (!page) return null;
  return (
    <div style={{ width: '100%' }}>
      <WaitingFor page={page} />
      <DecisionButtons page={page} />
      <Divider sx={{ my: 1 }} />
      <Typography variant="subtitle2">{t('review_page.readings')}</Typography>
      <ReviewReadings page={page} />
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        {t('review_page.history')}
      </Typography>
      <ReviewHistory page={page} />
    </div>
  );
};

export const ReviewShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <CalendarDateField source="work_date" />
      <SeverityField source="severity" />
      <ReviewStatusField source="status" />
      <ReviewPage label={false} />
    </SimpleShowLayout>
  </Show>
);
