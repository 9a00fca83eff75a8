// A record's answers rendered with the labels of its own form version; photo answers shown as the
// image itself, read through the scoped, audited attachments endpoint with the session cookie.
import {
  useLocaleState,
  useRecordContext,
  useTranslate,
  Labeled,
  Show,
  SimpleShowLayout,
  TextField,
} from 'react-admin';
import { SeverityField } from '../severity.tsx';
import { ProxyChip } from './ProxyChip.tsx';
import { CompanyDateTimeField, CalendarDateField } from '../company-date-fields.tsx';

interface ShownRecord {
  id: number;
  employee_name?: string;
  answers?: Record<string, unknown>;
  rendered?: { key: string; label: { zh: string; en: string }; value: { zh: string; en: string } }[];
}

const photoIdOf = (v: unknown): string | undefined => {
  const id = typeof v === 'object' && v !== null ? (v as { photoId?: unknown }).photoId : undefined;
  return typeof id === 'string' ? id : undefined;
};

const Answers = (_props: { label?: string }) => {
  const record = useRecordContext<ShownRecord>();
  const [locale] = useLocaleState();
  const t = useTranslate();
  const lang = locale === 'en' ? 'en' : 'zh';
  return (
    <table data-testid="answers">
      <tbody>
        {(record?.rendered ?? []).map((a) => {
          const photoId = photoIdOf(record?.answers?.[a.key]);
          return (
            <tr key={a.key}>
              <th align="left" style={{ paddingRight: 16, fontWeight: 500, verticalAlign: 'top' }}>
                {a.label[lang]}
              </th>
              <td>
                {photoId && record ? (
                  <a
                    href={`/api/records/${record.id}/attachments/${photoId}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    <img
                      src={`/api/records/${record.id}/attachments/${photoId}`}
                      alt={t('record_show.photo_alt', {
                        field: a.label[lang],
                        name: record.employee_name ?? '',
                      })}
                      data-testid={`photo-${a.key}`}
                      style={{ maxWidth: 320, maxHeight: 320, borderRadius: 4, display: 'block' }}
                    />
                  </a>
                ) : (
                  a.value[lang]
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

/** The 代填 row, only on records someone filled in (an empty labelled row would say nothing). */
const ProxyMark = () => {
  const record = useRecordContext<{ proxy_by_employee_id?: number | null }>();
  if (!record?.proxy_by_employee_id) return null;
  return (
    <Labeled label="resources.records.fields.proxy_name">
      <ProxyChip />
    </Labeled>
  );
};

export const RecordShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="employee_name" />
      <TextField source="department_name" />
      <CalendarDateField source="work_date" />
      <CompanyDateTimeField source="submitted_at" />
      <SeverityField source="severity" />
      <TextField source="form_version" />
      <ProxyMark />
      <Answers label="resources.records.fields.rendered" />
    </SimpleShowLayout>
  </Show>
);
