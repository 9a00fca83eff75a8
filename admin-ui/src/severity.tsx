// Severity and review status as coloured chips.
import { Chip } from '@mui/material';
import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';

const colours = { normal: 'success', warning: 'warning', red: 'error' } as const;

export const SeverityField = (_props: { source?: string; label?: string }) => {
  const record = useRecordContext<{ severity?: keyof typeof colours }>();
  const t = useTranslate();
  if (!record?.severity) return null;
  return <Chip size="small" color={colours[record.severity]} label={t(`app.severity.${record.severity}`)} />;
};

export const ReviewStatusField = (_props: { source?: string; label?: string }) => {
  const record = useRecordContext<{ status?: string }>();
  const t = useTranslate();
  return record?.status ? <Chip size="small" label={t(`app.review_status.${record.status}`)} /> : null;
};

export const ReasonsField = (_props: { source?: string; label?: string }) => {
  const record = useRecordContext<{ reasons?: { text: { zh: string; en: string } }[] }>();
  // reasons are stored in both languages: show the one the UI is in
  const [locale] = useLocaleState();
  const en = locale === 'en';
  return (
    <span>{(record?.reasons ?? []).map((r) => (en ? r.text.en : r.text.zh)).join(en ? '; ' : '；')}</span>
  );
};
