// Employees' correction and deletion requests (PIPL) for HR: pending ones first by default.
import {
  BooleanField,
  Datagrid,
  FunctionField,
  List,
  SelectInput,
  TextField,
  useTranslate,
} from 'react-admin';
import { CompanyDateTimeField } from '../company-date-fields.tsx';

const filters = [
  <SelectInput
    key="status"
    source="status"
    alwaysOn
    choices={[
      { id: 'pending', name: 'data_requests.status.pending' },
      { id: 'approved', name: 'data_requests.status.approved' },
      { id: 'rejected', name: 'data_requests.status.rejected' },
    ]}
  />,
  <SelectInput
    key="kind"
    source="kind"
    choices={[
      { id: 'correction', name: 'data_requests.kind.correction' },
      { id: 'deletion', name: 'data_requests.kind.deletion' },
    ]}
  />,
];

export const KindField = ({ label }: { label?: string }) => {
  const t = useTranslate();
  return (
    <FunctionField<{ kind: string }>
      source="kind"
      label={label}
      render={(r) => t(`data_requests.kind.${r.kind}`)}
    />
  );
};

export const StatusField = ({ label }: { label?: string }) => {
  const t = useTranslate();
  return (
    <FunctionField<{ status: string }>
      source="status"
      label={label}
      render={(r) => t(`data_requests.status.${r.status}`)}
    />
  );
};

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
