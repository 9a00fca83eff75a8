// A record's answers rendered with the labels of its own form version.
import { useLocaleState, useRecordContext, DateField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { SeverityField } from '../severity.tsx';

const Answers = (_props: { label?: string }) => {
  const record = useRecordContext<{
    rendered?: { key: string; label: { zh: string; en: string }; value: { zh: string; en: string } }[];
  }>();
  const [locale] = useLocaleState();
  const lang = locale === 'en' ? 'en' : 'zh';
  return (
    <table data-testid="answers">
      <tbody>
        {(record?.rendered ?? []).map((a) => (
          <tr key={a.key}>
            <th align="left" style={{ paddingRight: 16, fontWeight: 500 }}>
              {a.label[lang]}
            </th>
            <td>{a.value[lang]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

export const RecordShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <DateField source="work_date" />
      <DateField source="submitted_at" showTime />
      <SeverityField source="severity" />
      <TextField source="form_version" />
      <Answers label="resources.records.fields.rendered" />
    </SimpleShowLayout>
  </Show>
);
