// One person's history (click a name): their check-in days with the readings, the reminders they
// were sent, and their leave. Health data only for those who may read it; everyone with the
// directory sees reminders and leave.
import {
  EditButton,
  Pagination,
  ReferenceManyField,
  SelectField,
  Show,
  Tab,
  TabbedShowLayout,
  TextField,
  TopToolbar,
  useCanAccess,
  useRecordContext,
  Datagrid,
} from 'react-admin';
import { RemindNowButton } from '../reminders/RemindNowButton.tsx';
import { PersonDays } from './PersonDays.tsx';
import { DeliveryField } from '../reminders/DeliveryField.tsx';
import {
  reminderChannelChoices,
  reminderLevelChoices,
  ReminderStatusField,
} from '../reminders/ReminderLevel.tsx';
import { CompanyDateTimeField, CalendarDateField } from '../company-date-fields.tsx';
import { leaveKindChoices } from '../leaves/index.tsx';

const Actions = () => {
  const record = useRecordContext<{ id: number }>();
  return (
    <TopToolbar>
      {record && <RemindNowButton employeeIds={[record.id]} />}
      <EditButton />
    </TopToolbar>
  );
};

export const EmployeeHistory = () => {
  const { canAccess: healthData } = useCanAccess({ resource: 'records', action: 'list' });
  return (
    <Show actions={<Actions />}>
      <TabbedShowLayout>
        {healthData && (
          <Tab label="employee_history.days">
            <PersonDays />
          </Tab>
        )}
        <Tab label="employee_history.reminders" path="reminders">
          <ReferenceManyField
            reference="reminders"
            target="employee_id"
            sort={{ field: 'work_date', order: 'DESC' }}
            perPage={30}
            pagination={<Pagination />}
          >
            <Datagrid rowClick={false} bulkActionButtons={false}>
              <CalendarDateField source="work_date" />
              <SelectField source="level" choices={reminderLevelChoices} />
              <SelectField source="channel" choices={reminderChannelChoices} />
              <ReminderStatusField source="status" />
              <DeliveryField source="delivery" />
              <CompanyDateTimeField source="sent_at" />
            </Datagrid>
          </ReferenceManyField>
        </Tab>
        <Tab label="employee_history.leaves" path="leaves">
          <ReferenceManyField
            reference="leaves"
            target="employee_id"
            sort={{ field: 'from_date', order: 'DESC' }}
            pagination={<Pagination />}
          >
            <Datagrid rowClick={false} bulkActionButtons={false}>
              <SelectField source="kind" choices={leaveKindChoices} />
              <CalendarDateField source="from_date" />
              <CalendarDateField source="to_date" />
              <TextField source="note" />
            </Datagrid>
          </ReferenceManyField>
        </Tab>
        <Tab label="employee_history.profile" path="profile">
          <TextField source="name" />
          <TextField source="department_name" />
          <TextField source="dingtalk_user_id" />
          <TextField source="time_zone" />
        </Tab>
      </TabbedShowLayout>
    </Show>
  );
};
