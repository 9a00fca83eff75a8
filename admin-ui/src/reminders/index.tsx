// Reminders sent: the ladder's levels 1–3 and staff's "remind now" (level 0), searchable by person.
import NotificationsIcon from '@mui/icons-material/Notifications';
import {
  Datagrid,
  FunctionField,
  List,
  ReferenceField,
  SelectField,
  SelectInput,
  TextField,
  TextInput,
  useTranslate,
} from 'react-admin';
import { DeliveryField } from './DeliveryField.tsx';
import { reminderChannelChoices, reminderLevelChoices, ReminderStatusField } from './ReminderLevel.tsx';
import { CompanyDateTimeField, CalendarDateField } from '../company-date-fields.tsx';

const filters = [
  <TextInput key="day" source="work_date" type="date" alwaysOn />,
  <TextInput key="q" source="q" label="records.search_employee" alwaysOn />,
  <SelectInput key="level" source="level" choices={reminderLevelChoices} />,
];

const Level = ({ level }: { level: number }) => {
  const t = useTranslate();
  return <>{t(`reminders.level.${level}`, { _: String(level) })}</>;
};

const ReminderList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'DESC' }}>
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <CalendarDateField source="work_date" />
      <ReferenceField
        source="employee_id"
        reference="employees"
        link="show"
        sortBy="employee_name"
        label="resources.reminders.fields.employee_name"
      />
      <TextField source="department_name" />
      <FunctionField<{ level: number }> source="level" render={(r) => <Level level={r.level} />} />
      <SelectField source="channel" choices={reminderChannelChoices} />
      <ReminderStatusField source="status" />
      <DeliveryField source="delivery" />
      <CompanyDateTimeField source="sent_at" />
    </Datagrid>
  </List>
);

export default { icon: NotificationsIcon, list: ReminderList };
