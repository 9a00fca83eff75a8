import ApartmentIcon from '@mui/icons-material/Apartment';
import { createElement } from 'react';
import { Datagrid, List, TextField } from 'react-admin';

const DepartmentList = () =>
  createElement(
    List,
    { sort: { field: 'id', order: 'ASC' } },
    createElement(
      Datagrid,
      { bulkActionButtons: false, rowClick: false },
      createElement(TextField, { source: 'id' }),
      createElement(TextField, { source: 'name' }),
      createElement(TextField, { source: 'manager_name' }),
      createElement(TextField, { source: 'hr_name' }),
      createElement(TextField, { source: 'time_zone' }),
    ),
  );

export default { icon: ApartmentIcon, list: DepartmentList };
