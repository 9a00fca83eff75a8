// The audit log (admin/HR): who did what, when, from where, with what outcome. Read-only.
import PolicyIcon from '@mui/icons-material/Policy';
import {
  Datagrid,
  DateTimeInput,
  FunctionField,
  List,
  NumberField,
  SelectField,
  SelectInput,
  TextField,
  TextInput,
  useTranslate,
} from 'react-admin';
import { actionLabel } from './action-label.ts';
import { CompanyDateTimeField } from '../company-date-fields.tsx';

const outcomes = ['success', 'denied', 'failure'].map((id) => ({ id, name: `audit.outcome.${id}` }));

const filters = [
  <TextInput key="action" source="action" alwaysOn />,
  <TextInput key="actor" source="actor" />,
  <SelectInput key="outcome" source="outcome" choices={outcomes} />,
  <DateTimeInput key="from" source="at_gte" />,
  <DateTimeInput key="to" source="at_lte" />,
];

const AuditList = () => {
  const t = useTranslate();
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} perPage={50}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <CompanyDateTimeField source="at" />
        <TextField source="actor" />
        <FunctionField<{ action: string }>
          source="action"
          render={(r) => <span title={r.action}>{actionLabel(r.action, t)}</span>}
        />
        <TextField source="target_id" />
        <SelectField source="outcome" choices={outcomes} />
        <NumberField source="status" />
        <TextField source="ip" />
        <TextField source="request_id" />
      </Datagrid>
    </List>
  );
};

export default { icon: PolicyIcon, list: AuditList };
