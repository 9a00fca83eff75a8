// Date and time columns on the company's clock: an instant (submitted_at, sent_at) as the
// company's wall-clock date and time, a calendar date (work_date) as written, never shifted by the
// browser's zone. Datagrid reads source/label/sortBy/sortable from these like from DateField.
import { useLocaleState, useRecordContext } from 'react-admin';
import { formatCalendarDate, formatCompanyDateTime, useCompanyClock } from './company-clock.ts';

interface Props {
  source: string;
  label?: string;
  sortBy?: string;
  sortable?: boolean;
}

/** An instant as the company's date and time (e.g. 2026年12月1日 09:30 for 01:30 UTC in Shanghai). */
export const CompanyDateTimeField = ({ source }: Props) => {
  const record = useRecordContext();
  const clock = useCompanyClock();
  const [locale] = useLocaleState();
  const value = record?.[source] as string | null | undefined;
  // until the company's zone is known, nothing rather than the browser's time
  if (!value || !clock) return null;
  return (
    <time dateTime={value} data-zone={clock.timeZone}>
      {formatCompanyDateTime(value, clock.timeZone, locale)}
    </time>
  );
};

/** A calendar date (YYYY-MM-DD) in the UI's language, the same day in every browser zone. */
export const CalendarDateField = ({ source }: Props) => {
  const record = useRecordContext();
  const [locale] = useLocaleState();
  const value = record?.[source] as string | null | undefined;
  if (!value) return null;
  return <time dateTime={value}>{formatCalendarDate(value.slice(0, 10), locale)}</time>;
};

/** Formats instants as the company's date and time in the UI's language ('' until the zone is known). */
export const useCompanyTime = () => {
  const clock = useCompanyClock();
  const [locale] = useLocaleState();
  return (iso: string) => (clock ? formatCompanyDateTime(iso, clock.timeZone, locale) : '');
};
