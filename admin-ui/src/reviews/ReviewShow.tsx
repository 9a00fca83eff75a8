// A review with its record and history, and the decision buttons for the manager (or HR after
// escalation).
import { BooleanField, DateField, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { ReasonsField, ReviewStatusField, SeverityField } from '../severity.tsx';
import { DecisionButtons } from './DecisionButtons.tsx';

const History = () => {
  const record = useRecordContext<{
    history?: { at: string; event: string; decision?: string; comment?: string }[];
  }>();
  return (
    <ol style={{ margin: 0, paddingLeft: 20 }}>
      {(record?.history ?? []).map((h, i) => (
        <li key={i}>
          {new Date(h.at).toLocaleString()} · {h.event}
          {h.decision ? ` · ${h.decision}` : ''}
          {h.comment ? ` · ${h.comment}` : ''}
        </li>
      ))}
    </ol>
  );
};

export const ReviewShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="id" />
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <DateField source="work_date" />
      <SeverityField source="severity" />
      <ReasonsField source="reasons" />
      <ReviewStatusField source="status" />
      <BooleanField source="escalated" />
      <TextField source="comment" />
      <DateField source="decided_at" showTime />
      <History />
      <DecisionButtons />
    </SimpleShowLayout>
  </Show>
);
