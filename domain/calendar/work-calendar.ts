// Which dates are work days: company overrides first, then mainland China's statutory holidays and
// 调休 make-up days (chinese-days), and plain weekends for years the package does not know yet.
import chineseDays from 'chinese-days';

export type DaySource = 'company' | 'statutory' | 'weekend_fallback';

export interface DayKind {
  date: string;
  workday: boolean;
  source: DaySource;
  /** holiday name from the package or the company's note */
  name: string;
}

export type Overrides = ReadonlyMap<string, { kind: 'workday' | 'day_off'; note: string | null }>;

const coverage = new Map<number, boolean>();

/** Whether chinese-days has the statutory holidays of this year (it is updated once a year). */
export function isYearCovered(year: number): boolean {
  let covered = coverage.get(year);
  if (covered === undefined) {
    covered = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coverage.set(year, covered);
  }
  return covered;
}

/** ISO weekday, 1 = Monday … 7 = Sunday, of a calendar date. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function dayKind(date: string, overrides: Overrides): DayKind {
  const o = overrides.get(date);
  if (o)
    return {
      date,
      workday: o.kind === 'workday',
      source: 'company',
      name: o.note ?? (o.kind === 'workday' ? '公司调班' : '公司休息日'),
    };
  if (isYearCovered(Number(date.slice(0, 4)))) {
    const detail = chineseDays.getDayDetail(date);
    return { date, workday: detail.work, source: 'statutory', name: detail.name };
  }
  const workday = isoWeekday(date) <= 5;
  return { date, workday, source: 'weekend_fallback', name: workday ? 'weekday' : 'weekend' };
}

/** The non-ordinary days of a year (holidays, 调休 make-up days, company overrides). */
export function specialDays(year: number, overrides: Overrides): DayKind[] {
  const out: DayKind[] = [];
  for (
    let d = new Date(Date.UTC(year, 0, 1));
    d.getUTCFullYear() === year;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const date = d.toISOString().slice(0, 10);
    const k = dayKind(date, overrides);
    const ordinary = k.workday === isoWeekday(date) <= 5 && k.source !== 'company';
    if (!ordinary) out.push(k);
  }
  return out;
}

export type Exemption = 'leave' | 'business_trip' | 'part_time';

/** Why an employee does not check in on a work day, if they do not. */
export function exemptionFor(
  employee: { workdays: number[] | null },
  date: string,
  leaves: { kind: 'leave' | 'business_trip'; from_date: string; to_date: string }[],
): Exemption | null {
  const leave = leaves.find((l) => l.from_date <= date && date <= l.to_date);
  if (leave) return leave.kind;
  if (employee.workdays && !employee.workdays.includes(isoWeekday(date))) return 'part_time';
  return null;
}
