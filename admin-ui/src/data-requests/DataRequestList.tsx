// Employees' correction and deletion requests (PIPL) for HR: pending ones first by default.
import { BooleanField, Datagrid, List, SelectInput, TextField } from 'react-admin';
import { dataRequestKinds, dataRequestStatuses } from '../../../domain/privacy/data-request.ts';
import { EnumField, enumChoices, statusFilter } from '../enum-fields.tsx';
import { CompanyDateTimeField } from '../company-date-fields.tsx';

const filters = [
  statusFilter('data_requests.status', dataRequestStatuses),
  <SelectInput key="kind" source="kind" choices={enumChoices('data_requests.kind', dataRequestKinds)} />,
];

export const KindField = ({ label }: { label?: string }) => (
  <EnumField source="kind" prefix="data_requests.kind" label={label} />
);

export const StatusField = ({ label }: { label?: string }) => (
  <EnumField source="status" prefix="data_requests.status" label={label} />
);

export const DataRequestList = () => (
  <List filters={filters} filterDefaultValues={{ status: 'pending' }} sort={{ field: 'id', order: 'DESC' }}>
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="id" />
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <KindField label="resources.data-requests.fields.kind" />
      <StatusField label="resources.data-requests.fields.status" />
      <BooleanField source="escalated" />
      <CompanyDateTimeField source="created_at" />
      <CompanyDateTimeField source="decided_at" />
    </Datagrid>
  </List>
);
