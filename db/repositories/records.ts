// Health records: one per employee per work date, found by day or by idempotency key.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';

/** The day's current record (a recheck replaces the earlier one as current). */
export function findRecordForDay(db: DB, employeeId: number, workDate: string) {
  return db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('is_current', '=', true)
    .executeTakeFirst();
}

export function findRecordByIdempotencyKey(db: DB, employeeId: number, key: string) {
  return db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Which of these employees have a record for the day (the escalation's source of truth). */
export async function submittedAmong(db: DB, workDate: string, employeeIds: number[]): Promise<Set<number>> {
  if (employeeIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('health_records')
    .select('employee_id')
    .where('work_date', '=', workDate)
    .where('employee_id', 'in', employeeIds)
    .execute();
  return new Set(rows.map((r) => r.employee_id));
}

/** The employee's current records of the `days` calendar days before `workDate`, for history rules. */
export function recentRecords(db: DB, employeeId: number, workDate: string, days: number) {
  return db
    .selectFrom('health_records')
    .select(['work_date', 'severity', 'answers'])
    .where('employee_id', '=', employeeId)
    .where('is_current', '=', true)
    .where('work_date', '<', workDate)
    .where('work_date', '>=', sql<string>`(${workDate}::date - ${days}::int)`)
    .orderBy('work_date', 'desc')
    .execute();
}

/** Which of these employees are exempt that day: on leave or a trip, or their day marked exempt. */
export async function exemptAmong(db: DB, workDate: string, employeeIds: number[]): Promise<Set<number>> {
  if (employeeIds.length === 0) return new Set();
  const onLeave = await db
    .selectFrom('leaves')
    .select('employee_id')
    .where('from_date', '<=', workDate)
    .where('to_date', '>=', workDate)
    .where('employee_id', 'in', employeeIds)
    .execute();
  const marked = await db
    .selectFrom('checkin_days')
    .select('employee_id')
    .where('work_date', '=', workDate)
    .where('outcome', '=', 'exempt')
    .where('employee_id', 'in', employeeIds)
    .execute();
  return new Set([...onLeave, ...marked].map((r) => r.employee_id));
}

/** The employee's latest current record before `workDate` (where the page's prefill comes from). */
export function lastRecordBefore(db: DB, employeeId: number, workDate: string) {
  return db
    .selectFrom('health_records')
    .select(['work_date', 'answers'])
    .where('employee_id', '=', employeeId)
    .where('is_current', '=', true)
    .where('work_date', '<', workDate)
    .orderBy('work_date', 'desc')
    .limit(1)
    .executeTakeFirst();
}
