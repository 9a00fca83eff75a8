// Health records: one per employee per work date, found by day or by idempotency key.
import type { DB } from '../connect.ts';

export function findRecordForDay(db: DB, employeeId: number, workDate: string) {
  return db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
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
