import {
  Datagrid,
  List,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  TextField,
  TextInput,
} from 'react-admin';
import { HealthCodeField, TemperatureField } from '../employees/AnswerFields.tsx';
import { SeverityField } from '../severity.tsx';
import { ProxyChip } from './ProxyChip.tsx';
import { CompanyDateTimeField, CalendarDateField } from '../company-date-fields.tsx';

const filters = [
  <TextInput key="q" source="q" label="records.search_employee" alwaysOn />,
  <TextInput key="from" source="work_date_gte" type="date" label="dashboard.from" alwaysOn />,
  <TextInput key="to" source="work_date_lte" type="date" label="dashboard.to" alwaysOn />,
  <TextInput key="day" source="work_date" type="date" />,
  <ReferenceInput key="dept" source="department_id" reference="departments" />,
  <SelectInput
    key="severity"
    source="severity"
    choices={[
      { id: 'normal', name: 'app.severity.normal' },
      { id: 'warning', name: 'app.severity.warning' },
      { id: 'red', name: 'app.severity.red' },
    ]}
  />,
];

export const RecordList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'DESC' }}>
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="id" />
      <CalendarDateField source="work_date" />
      {/* the name opens the person's history */}
      <ReferenceField
        source="employee_id"
        reference="employees"
        link="show"
        sortBy="employee_name"
        label="resources.records.fields.employee_name"
      />
      <TextField source="department_name" />
      <TemperatureField />
      <HealthCodeField />
      <SeverityField source="severity" />
      <CompanyDateTimeField source="submitted_at" />
      <TextField source="form_version" />
      <ProxyChip label="resources.records.fields.proxy_name" />
    </Datagrid>
  </List>
);
