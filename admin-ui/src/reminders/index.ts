import NotificationsIcon from '@mui/icons-material/Notifications';
import { createElement } from 'react';
import { Datagrid, DateField, List, NumberField, SelectField, TextField, TextInput } from 'react-admin';

/** Stored values shown as the packs' words (resources.reminders.values.<field>.<value>). */
const labelled = (source: string, values: string[]) =>
  createElement(SelectField, {
    source,
    choices: values.map((id) => ({ id, name: `resources.reminders.values.${source}.${id}` })),
  });

const filters = [createElement(TextInput, { key: 'day', source: 'work_date', type: 'date', alwaysOn: true })];

const ReminderList = () =>
  createElement(
    List,
    { filters, sort: { field: 'id', order: 'DESC' } },
    createElement(
      Datagrid,
      { bulkActionButtons: false, rowClick: false },
      createElement(DateField, { source: 'work_date' }),
      createElement(TextField, { source: 'employee_name' }),
      createElement(TextField, { source: 'department_name' }),
      createElement(NumberField, { source: 'level' }),
      labelled('channel', ['work_notification', 'group_robot', 'manager_notification', 'todo', 'none']),
      labelled('status', ['claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown']),
      createElement(DateField, { source: 'sent_at', showTime: true }),
    ),
  );

export default { icon: NotificationsIcon, list: ReminderList };
