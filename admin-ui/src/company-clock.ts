// The company's clock in the admin UI: its time zone and today's company date come from the API
// (GET /api/company/clock), never from the browser's clock or its UTC date.
import { useQuery } from '@tanstack/react-query';
import { addDays } from '../../domain/zoned-time.ts';
import { getJson } from './dataProvider.ts';

export { addDays };

export interface CompanyClock {
  timeZone: string;
  /** today's company date, YYYY-MM-DD */
  today: string;
}

/** The company clock; refetched every minute so "today" turns over at the company's midnight. */
export const useCompanyClock = (): CompanyClock | undefined =>
  useQuery({
    queryKey: ['company-clock'],
    queryFn: () => getJson<CompanyClock>('/api/company/clock'),
    refetchInterval: 60_000,
    staleTime: 30_000,
  }).data;

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
export const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

const intlLocale = (locale: string) => (locale === 'en' ? 'en-GB' : 'zh-CN');

/** An instant as the company's wall-clock date and time. */
export const formatCompanyDateTime = (iso: string, timeZone: string, locale: string) =>
  new Intl.DateTimeFormat(intlLocale(locale), { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** A calendar date (YYYY-MM-DD) as written in the UI's language, without shifting it by a zone. */
export const formatCalendarDate = (date: string, locale: string) =>
  new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', dateStyle: 'medium' }).format(
    new Date(`${date}T00:00:00Z`),
  );
