import PeopleIcon from '@mui/icons-material/People';
import { BooleanField, Datagrid, List, ReferenceInput, TextField, TextInput } from 'react-admin';
import { createElement } from 'react';

const filters = [
  createElement(TextInput, { key: 'q', source: 'q', label: 'ra.action.search', alwaysOn: true }),
  createElement(ReferenceInput, { key: 'dept', source: 'department_id', reference: 'departments' }),
];

const EmployeeList = () =>
  createElement(
    List,
    { filters, sort: { field: 'id', order: 'ASC' } },
    createElement(
      Datagrid,
      { bulkActionButtons: false, rowClick: false },
      createElement(TextField, { source: 'id' }),
      createElement(TextField, { source: 'name' }),
      createElement(TextField, { source: 'department_name' }),
      createElement(TextField, { source: 'dingtalk_user_id' }),
      createElement(BooleanField, { source: 'active' }),
    ),
  );

export default { icon: PeopleIcon, list: EmployeeList };
