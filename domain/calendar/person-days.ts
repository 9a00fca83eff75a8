// One person's days as HR reads them: every date of a range with what happened — submitted (on
// time or late), missed, still open, or exempt and why (leave, a trip, a part-timer's day off, a
// weekend or a holiday) — from the calendar, their leave, the planned day rows and their records.
import { dayKind, exemptionFor, type Overrides } from './work-calendar.ts';

export type PersonDayOutcome =
  | 'on_time'
  | 'late'
  | 'missed'
  | 'pending'
  | 'exempt'
  | 'day_off'
  /** a work day the system did not plan for them (before they joined, or before the fan-out ran) */
  | 'not_planned';

export type PersonDayReason =
  | 'leave'
  | 'business_trip'
  | 'part_time'
  | 'weekend'
  | 'holiday'
  /** the person withdrew consent to the privacy notice (consent as the basis): not asked, not missed */
  | 'consent_withdrawn';

export interface PersonDay<R> {
  work_date: string;
  outcome: PersonDayOutcome;
  reason: PersonDayReason | null;
  /** the holiday's name ("National Day,国庆节,3", or HR's note) or the leave's note */
  reason_note: string | null;
  /** the highest reminder level the day reached (0: none) */
  level_reached: number;
  record: R | null;
}

interface Inputs<R> {
  dates: string[];
  overrides: Overrides;
  workdays: number[] | null;
  leaves: { kind: 'leave' | 'business_trip'; from_date: string; to_date: string; note: string | null }[];
  days: { work_date: string; outcome: string; level_reached: number; exempt_reason?: string | null }[];
  records: (R & { work_date: string; status: 'on_time' | 'late' })[];
}

const isWeekend = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
};

export function personDays<R>(input: Inputs<R>): PersonDay<R>[] {
  const days = new Map(input.days.map((d) => [d.work_date, d]));
  const records = new Map(input.records.map((r) => [r.work_date, r]));
  return input.dates.map((date) => {
    const day = days.get(date);
    const record = records.get(date) ?? null;
    const base = { work_date: date, level_reached: day?.level_reached ?? 0, record };
    // A record counts whatever the calendar says (someone checked in on a day off).
    if (record) return { ...base, outcome: record.status, reason: null, reason_note: null };
    const leave = input.leaves.find((l) => l.from_date <= date && date <= l.to_date);
    const exemption = exemptionFor({ workdays: input.workdays }, date, leave ? [leave] : []);
    if (day?.outcome === 'exempt' || (!day && exemption)) {
      return {
        ...base,
        outcome: 'exempt' as const,
        reason:
          exemption ??
          leave?.kind ??
          (day?.exempt_reason === 'consent_withdrawn' ? ('consent_withdrawn' as const) : null),
        reason_note: leave?.note ?? null,
      };
    }
    if (day) {
      const outcome: PersonDayOutcome =
        day.outcome === 'pending'
          ? 'pending'
          : day.outcome === 'submitted'
            ? 'on_time'
            : day.outcome === 'late'
              ? 'late'
              : 'missed';
      return { ...base, outcome, reason: null, reason_note: null };
    }
    const kind = dayKind(date, input.overrides);
    if (!kind.workday) {
      const holiday = kind.source === 'company' || !isWeekend(date) || kind.name.includes(',');
      return {
        ...base,
        outcome: 'day_off' as const,
        reason: holiday ? ('holiday' as const) : ('weekend' as const),
        reason_note: holiday ? kind.name : null,
      };
    }
    return { ...base, outcome: 'not_planned' as const, reason: null, reason_note: null };
  });
}
