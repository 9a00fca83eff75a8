// A record's answers rendered with the labels of its own form version; photo answers shown as the
// image itself, read through the scoped, audited attachments endpoint with the session cookie, or
// as "removed by retention policy" once the retention policy deleted the image.
import { useState } from 'react';
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

/** A photo the retention policy removed: the API marks the answer `{ photoId, status: 'removed' }`. */
const removedByRetention = (v: unknown) =>
  typeof v === 'object' && v !== null && (v as { status?: unknown }).status === 'removed';

/** The image, or the words "removed by retention policy" when it is gone (never a broken image). */
const Photo = ({ src, alt, testId }: { src: string; alt: string; testId: string }) => {
  const t = useTranslate();
  const [gone, setGone] = useState(false);
  if (gone) return <span data-testid={`${testId}-removed`}>{t('record_show.photo_unavailable')}</span>;
  return (
    <a href={src} target="_blank" rel="noreferrer">
      <img
        src={src}
        alt={alt}
        data-testid={testId}
        onError={() => setGone(true)}
        style={{ maxWidth: 320, maxHeight: 320, borderRadius: 4, display: 'block' }}
      />
    </a>
  );
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
          const answer = record?.answers?.[a.key];
          const photoId = photoIdOf(answer);
          return (
            <tr key={a.key}>
              <th align="left" style={{ paddingRight: 16, fontWeight: 500, verticalAlign: 'top' }}>
                {a.label[lang]}
              </th>
              <td>
                {photoId && record && removedByRetention(answer) ? (
                  <span data-testid={`photo-${a.key}-removed`}>{t('record_show.photo_removed')}</span>
                ) : photoId && record ? (
                  <Photo
                    src={`/api/records/${record.id}/attachments/${photoId}`}
                    alt={t('record_show.photo_alt', {
                      field: a.label[lang],
                      name: record.employee_name ?? '',
                    })}
                    testId={`photo-${a.key}`}
                  />
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
