// Leave and business trips: people on them are not asked to check in; entering one for today stops
// that day's reminders.
import EventBusyIcon from '@mui/icons-material/EventBusy';
import {
  AutocompleteInput,
  Create,
  Datagrid,
  DateInput,
  DeleteButton,
  List,
  ReferenceField,
  ReferenceInput,
  required,
  SelectField,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
} from 'react-admin';
import { CalendarDateField } from '../company-date-fields.tsx';
import { enumChoices } from '../enum-fields.tsx';

/** Leave or a business trip, in the UI's words (the leave list and a person's history). */
export const leaveKindChoices = enumChoices('leaves.kind', ['leave', 'business_trip']);

const LeaveList = () => (
  <List
    sort={{ field: 'from_date', order: 'DESC' }}
    filters={[<DateInput key="on" source="active_on" alwaysOn />]}
  >
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <ReferenceField
        source="employee_id"
        reference="employees"
        link="show"
        sortBy="employee_name"
        label="resources.leaves.fields.employee_name"
      />
      <TextField source="department_name" />
      <SelectField source="kind" choices={leaveKindChoices} />
      <CalendarDateField source="from_date" />
      <CalendarDateField source="to_date" />
      <TextField source="note" />
      <SelectField
        source="source"
        choices={['hr', 'dingtalk'].map((id) => ({ id, name: `leaves.source.${id}` }))}
      />
      <DeleteButton mutationMode="pessimistic" />
    </Datagrid>
  </List>
);

const LeaveCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <ReferenceInput source="employee_id" reference="employees">
        <AutocompleteInput optionText="name" filterToQuery={(q: string) => ({ q })} validate={required()} />
      </ReferenceInput>
      <SelectInput source="kind" choices={leaveKindChoices} defaultValue="leave" validate={required()} />
      <DateInput source="from_date" validate={required()} />
      <DateInput source="to_date" validate={required()} />
      <TextInput source="note" />
    </SimpleForm>
  </Create>
);

export default { icon: EventBusyIcon, list: LeaveList, create: LeaveCreate };
