// Reminder rows keyed by (employee, date, level): claiming a row is what makes a level send once.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { ReminderDelivery } from '../database.ts';

export interface ReminderClaim {
  employeeId: number;
  departmentId: number;
  workDate: string;
  level: number;
  channel: string;
  batchKey: string;
}

export interface OwnedReminder {
  employeeId: number;
  /** 'claimed': never called; 'sending': an earlier attempt was calling DingTalk when it died */
  status: 'claimed' | 'sending';
}

/**
 * Claims the reminder rows for a batch. Returns the rows this batch owns and has not finished:
 * rows it inserted now, and rows an earlier attempt of the same batch left behind. Rows another
 * batch owns, or already finished, are not returned.
 */
export async function claimReminders(db: DB, claims: ReminderClaim[]): Promise<OwnedReminder[]> {
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
    .select(['employee_id', 'status'])
    .where('work_date', '=', first.workDate)
    .where('level', '=', first.level)
    .where('batch_key', '=', first.batchKey)
    .where('status', 'in', ['claimed', 'sending'])
    .where(
      'employee_id',
      'in',
      claims.map((c) => c.employeeId),
    )
    .orderBy('employee_id')
    .execute();
  return owned.map((r) => ({ employeeId: r.employee_id, status: r.status as OwnedReminder['status'] }));
}

export async function markReminders(
  db: DB,
  workDate: string,
  level: number,
  employeeIds: number[],
  status: 'claimed' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown',
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

/**
 * DingTalk task ids a batch sent whose read receipts nobody has recorded yet: what an attempt that
 * died between recording the send and scheduling the receipt check left behind.
 */
export async function unwatchedTaskIds(
  db: DB,
  workDate: string,
  level: number,
  batchKey: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('reminders_sent')
    .select('external_id')
    .distinct()
    .where('work_date', '=', workDate)
    .where('level', '=', level)
    .where('batch_key', '=', batchKey)
    .where('status', '=', 'sent')
    .where('delivery', 'is', null)
    .where('external_id', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.external_id ? [r.external_id] : []));
}

/** Sent work-notification rows of a day and level carrying this DingTalk task id. */
export function findRemindersByTask(db: DB, workDate: string, level: number, taskId: string) {
  return db
    .selectFrom('reminders_sent as r')
    .innerJoin('employees as e', 'e.id', 'r.employee_id')
    .select(['r.employee_id', 'r.channel', 'r.delivery', 'e.dingtalk_user_id'])
    .where('r.work_date', '=', workDate)
    .where('r.level', '=', level)
    .where('r.status', '=', 'sent')
    .where(sql<boolean>`${taskId} = any(string_to_array(r.external_id, ','))`)
    .execute();
}

export async function recordDelivery(
  db: DB,
  workDate: string,
  level: number,
  employeeIds: number[],
  delivery: ReminderDelivery,
): Promise<void> {
  if (employeeIds.length === 0) return;
  await db
    .updateTable('reminders_sent')
    .set({ delivery, delivery_checked_at: sql`now()` })
    .where('work_date', '=', workDate)
    .where('level', '=', level)
    .where('employee_id', 'in', employeeIds)
    // read is final: a later, older answer must not turn it back to unread
    .where((eb) => eb.or([eb('delivery', 'is', null), eb('delivery', '!=', 'read')]))
    .execute();
}

/** Reminders sent, with employee and department names, limited to a scope (the admin list). */
export function remindersListQuery(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('reminders_sent as r')
    .innerJoin('employees as e', 'e.id', 'r.employee_id')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      sql<string>`r.employee_id || '-' || r.work_date || '-' || r.level`.as('id'),
      'r.employee_id',
      'e.name as employee_name',
      'r.department_id',
      'd.name as department_name',
      'r.work_date',
      'r.level',
      'r.channel',
      'r.status',
      'r.error',
      'r.sent_at',
      // DingTalk's read state of a work notification (已读/未读), null for group posts and to-dos
      'r.delivery',
      'r.delivery_checked_at',
    ])
    .$if(scope !== 'all', (q) => q.where('r.department_id', 'in', idsOrNone(scope as readonly number[])));
}

/**
 * Closes what a department's level still owed at its deadline, in one transaction: rows never
 * called become 'failed', rows whose DingTalk answer was never read become 'unknown', and the
 * people still owed the level without a row get a 'failed' one, so the reminders list shows who
 * did not get the level and why. Rows already final are left as they are.
 */
export async function expireReminders(
  db: DB,
  input: {
    workDate: string;
    departmentId: number;
    level: number;
    batchKey: string;
    channel: string;
    /** people still owed the level (due, not submitted, not exempt) */
    owed: number[];
    reason: string;
  },
): Promise<{ failed: number; unknown: number }> {
  const { workDate, departmentId, level, reason } = input;
  return db.transaction().execute(async (tx) => {
    const open = (status: 'claimed' | 'sending') =>
      tx
        .updateTable('reminders_sent')
        .set({ status: status === 'claimed' ? 'failed' : 'unknown', error: reason })
        .where('work_date', '=', workDate)
        .where('department_id', '=', departmentId)
        .where('level', '=', level)
        .where('status', '=', status)
        .executeTakeFirst();
    const failed = Number((await open('claimed')).numUpdatedRows);
    const unknown = Number((await open('sending')).numUpdatedRows);
    let inserted = 0;
    if (input.owed.length > 0) {
      const r = await tx
        .insertInto('reminders_sent')
        .values(
          input.owed.map((employeeId) => ({
            employee_id: employeeId,
            department_id: departmentId,
            work_date: workDate,
            level,
            channel: input.channel,
            batch_key: input.batchKey,
            status: 'failed' as const,
            error: reason,
          })),
        )
        .onConflict((oc) => oc.columns(['employee_id', 'work_date', 'level']).doNothing())
        .executeTakeFirst();
      inserted = Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    return { failed: failed + inserted, unknown };
  });
}
