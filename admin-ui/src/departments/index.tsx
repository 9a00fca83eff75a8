import ApartmentIcon from '@mui/icons-material/Apartment';
import {
  AutocompleteInput,
  BooleanField,
  BooleanInput,
  Datagrid,
  PasswordInput,
  Edit,
  ExportButton,
  List,
  ReferenceInput,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  required,
} from 'react-admin';
import { ImportCsvButton } from '../csv-import/ImportCsvButton.tsx';

const ListActions = () => (
  <TopToolbar>
    <ExportButton />
    <ImportCsvButton resource="departments" endpoint="/api/departments/import" labels="departments.import" />
  </TopToolbar>
);

const DepartmentList = () => (
  <List sort={{ field: 'id', order: 'ASC' }} actions={<ListActions />}>
    <Datagrid bulkActionButtons={false} rowClick="edit">
      <TextField source="id" />
      <TextField source="name" />
      <TextField source="manager_name" />
      <TextField source="hr_name" />
      <TextField source="time_zone" />
      <BooleanField source="robot_configured" sortable={false} />
    </Datagrid>
  </List>
);

const people = <AutocompleteInput optionText="name" filterToQuery={(q: string) => ({ q })} />;

const DepartmentEdit = () => (
  <Edit mutationMode="pessimistic">
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <ReferenceInput source="parent_id" reference="departments">
        <AutocompleteInput optionText="name" filterToQuery={(q: string) => ({ q })} />
      </ReferenceInput>
      <ReferenceInput source="manager_id" reference="employees">
        {people}
      </ReferenceInput>
      <ReferenceInput source="hr_contact_id" reference="employees">
        {people}
      </ReferenceInput>
      <TextInput source="time_zone" />
      <TextInput source="robot_webhook_token" helperText="departments.robot_help" />
      <PasswordInput source="robot_signing_secret" />
      <BooleanInput source="robot_remove" />
    </SimpleForm>
  </Edit>
);

export default { icon: ApartmentIcon, list: DepartmentList, edit: DepartmentEdit };
