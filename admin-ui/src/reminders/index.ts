import NotificationsIcon from '@mui/icons-material/Notifications';
import { createElement } from 'react';
import { Datagrid, DateField, List, NumberField, TextField, TextInput } from 'react-admin';
import { DeliveryField } from './DeliveryField.tsx';

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
      createElement(TextField, { source: 'channel' }),
      createElement(TextField, { source: 'status' }),
      createElement(DateField, { source: 'sent_at', showTime: true }),
      createElement(DeliveryField, { source: 'delivery' }),
    ),
  );

export default { icon: NotificationsIcon, list: ReminderList };
