// Company calendar overrides and employees' leave.
import type { Overrides } from '../../domain/calendar/work-calendar.ts';
import type { DB } from '../connect.ts';

export async function loadOverrides(db: DB, fromDate: string, toDate: string): Promise<Overrides> {
  const rows = await db
    .selectFrom('calendar_overrides')
    .select(['date', 'kind', 'note'])
    .where('date', '>=', fromDate)
    .where('date', '<=', toDate)
    .execute();
  return new Map(rows.map((r) => [r.date, { kind: r.kind, note: r.note }]));
}

/** Leave and trips covering `date` for these employees. */
export function leavesOn(db: DB, date: string, employeeIds: number[]) {
  if (employeeIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('leaves')
    .select(['employee_id', 'kind', 'from_date', 'to_date'])
    .where('from_date', '<=', date)
    .where('to_date', '>=', date)
    .where('employee_id', 'in', employeeIds)
    .execute();
}
