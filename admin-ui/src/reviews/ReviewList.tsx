import { BooleanField, Datagrid, List, TextField, TextInput } from 'react-admin';
import { reviewStatuses } from '../../../domain/review-status.ts';
import { statusFilter } from '../enum-fields.tsx';
import { ReasonsField, ReviewStatusField, SeverityField } from '../severity.tsx';
import { CalendarDateField } from '../company-date-fields.tsx';
import { CompanyDateTimeField } from '../company-date-fields.tsx';

const filters = [
  statusFilter('app.review_status', reviewStatuses),
  <TextInput key="from" source="work_date_gte" type="date" label="dashboard.from" />,
  <TextInput key="to" source="work_date_lte" type="date" label="dashboard.to" />,
];

export const ReviewList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'DESC' }}>
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="id" />
      <CalendarDateField source="work_date" />
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <SeverityField source="severity" />
      {/* sealed in the database: shown, not sortable */}
      <ReasonsField label="resources.reviews.fields.reasons" />
      <ReviewStatusField source="status" />
      <BooleanField source="escalated" />
      <CompanyDateTimeField source="created_at" />
      <CompanyDateTimeField source="decided_at" />
    </Datagrid>
  </List>
);
