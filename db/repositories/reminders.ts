// Reminder rows keyed by (employee, date, level): claiming a row is what makes a level send once.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';

export interface ReminderClaim {
  employeeId: number;
  departmentId: number;
  workDate: string;
  level: number;
  channel: string;
  batchKey: string;
}

/**
 * Claims the reminder rows for a batch. Returns the employees this batch owns: rows it inserted
 * now plus rows it inserted on an earlier attempt that never got marked sent (the attempt died
 * mid-call; DingTalk's own duplicate-content rule swallows the repeat). Rows another batch owns,
 * or already sent, are not returned.
 */
export async function claimReminders(db: DB, claims: ReminderClaim[]): Promise<number[]> {
  if (claims.length === 0) return [];
  const first = claims[0] as ReminderClaim;
  await db
    .insertInto('reminders_sent')
    .values(
      claims.map((c) => ({
        employee_id: c.employeeId,
        department_id: c.departmentId,
        work_date: c.workDate,
        level: c.level,
        channel: c.channel,
        batch_key: c.batchKey,
      })),
    )
    .onConflict((oc) => oc.columns(['employee_id', 'work_date', 'level']).doNothing())
    .execute();
  const owned = await db
    .selectFrom('reminders_sent')
    .select('employee_id')
    .where('work_date', '=', first.workDate)
    .where('level', '=', first.level)
    .where('batch_key', '=', first.batchKey)
    .where('status', '=', 'sending')
    .where(
      'employee_id',
      'in',
      claims.map((c) => c.employeeId),
    )
    .orderBy('employee_id')
    .execute();
  return owned.map((r) => r.employee_id);
}

export async function markReminders(
  db: DB,
  workDate: string,
  level: number,
  employeeIds: number[],
  status: 'sent' | 'skipped' | 'failed',
  externalId: string | null,
  error: string | null = null,
): Promise<void> {
  if (employeeIds.length === 0) return;
  await db
    .updateTable('reminders_sent')
    .set({ status, external_id: externalId, error, sent_at: status === 'sent' ? sql`now()` : null })
    .where('work_date', '=', workDate)
    .where('level', '=', level)
    .where('employee_id', 'in', employeeIds)
    .execute();
}

export function listRemindersForDay(db: DB, workDate: string, employeeIds?: number[]) {
  let q = db.selectFrom('reminders_sent').selectAll().where('work_date', '=', workDate);
  if (employeeIds) q = q.where('employee_id', 'in', employeeIds.length ? employeeIds : [-1]);
  return q.orderBy('employee_id').orderBy('level').execute();
}
