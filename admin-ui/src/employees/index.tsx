import PeopleIcon from '@mui/icons-material/People';
import {
  AutocompleteInput,
  BooleanField,
  BooleanInput,
  Datagrid,
  Edit,
  FilterButton,
  List,
  ReferenceInput,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  required,
} from 'react-admin';
import { ImportCsvButton } from '../csv-import/ImportCsvButton.tsx';
import { ProxyCheckinButton } from '../proxy/ProxyCheckinButton.tsx';
import { EmployeeHistory } from './EmployeeHistory.tsx';

const filters = [
  <TextInput key="q" source="q" label="ra.action.search" alwaysOn />,
  <ReferenceInput key="dept" source="department_id" reference="departments" />,
];

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <ImportCsvButton resource="employees" endpoint="/api/employees/import" labels="employees.import" />
  </TopToolbar>
);

const EmployeeList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'ASC' }} actions={<ListActions />}>
    <Datagrid bulkActionButtons={false} rowClick="show">
      <TextField source="id" />
      <TextField source="name" />
      <TextField source="department_name" />
      <TextField source="dingtalk_user_id" />
      <BooleanField source="active" />
      <ProxyCheckinButton />
    </Datagrid>
  </List>
);

const EmployeeEdit = () => (
  <Edit mutationMode="pessimistic">
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <ReferenceInput source="department_id" reference="departments">
        <AutocompleteInput optionText="name" filterToQuery={(q: string) => ({ q })} validate={required()} />
      </ReferenceInput>
      <ReferenceInput source="manager_id" reference="employees">
        <AutocompleteInput optionText="name" filterToQuery={(q: string) => ({ q })} />
      </ReferenceInput>
      <TextInput source="mobile" />
      <TextInput source="time_zone" />
      <BooleanInput source="active" />
    </SimpleForm>
  </Edit>
);

export default { icon: PeopleIcon, list: EmployeeList, edit: EmployeeEdit, show: EmployeeHistory };
