// The per-employee day rows: created by the fan-out, closed by the workflow or a submission.
import { sql, type Transaction } from 'kysely';
import type { DaySchedule } from '../../domain/day-schedule.ts';
import type { DB } from '../connect.ts';
import type { Database, DayOutcome } from '../database.ts';

export interface NewDay {
  employeeId: number;
  departmentId: number;
  schedule: DaySchedule;
  /** a day planned exempt (no workflow), and why: `consent_withdrawn` */
  exemptReason?: string;
}

/**
 * The outcome a day has from its current record, if any: a check-in submitted before the day row
 * existed (fan-out running late) must not leave the day `pending`.
 */
const outcomeFromRecord = (employeeId: number, workDate: string) => sql<DayOutcome | null>`(
  select case when h.status = 'late' then 'late' else 'submitted' end
  from health_records h
  where h.employee_id = ${employeeId} and h.work_date = ${workDate} and h.is_current
  limit 1)`;

/**
 * Inserts the day rows that do not exist yet, already settled when the employee submitted before
 * the fan-out; an existing day keeps its snapshot.
 */
export async function insertDaysIfAbsent(db: DB, days: NewDay[]): Promise<void> {
  if (days.length === 0) return;
  await db
    .insertInto('checkin_days')
    .values(
      days.map((d) => ({
        employee_id: d.employeeId,
        department_id: d.departmentId,
        work_date: d.schedule.workDate,
        outcome: sql<DayOutcome>`coalesce(${outcomeFromRecord(d.employeeId, d.schedule.workDate)}, ${d.exemptReason ? 'exempt' : 'pending'})`,
        exempt_reason: d.exemptReason ?? null,
        opens_at: d.schedule.opensAt,
        closes_at: d.schedule.closesAt,
        late_until: d.schedule.lateUntil,
        schedule: JSON.stringify(d.schedule),
      })),
    )
    .onConflict((oc) => oc.columns(['employee_id', 'work_date']).doNothing())
    .execute();
}

/** Which of these employees' days on `workDate` have this outcome. */
export async function daysWithOutcome(
  db: DB,
  workDate: string,
  outcome: DayOutcome,
  employeeIds: number[],
): Promise<Set<number>> {
  if (employeeIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('checkin_days')
    .select('employee_id')
    .where('work_date', '=', workDate)
    .where('outcome', '=', outcome)
    .where('employee_id', 'in', employeeIds)
    .execute();
  return new Set(rows.map((r) => r.employee_id));
}

/**
 * Which of these employees' days are still pending: the only ones a fan-out starts a workflow for
 * (a day already submitted, missed or exempt — an earlier run's, or a check-in before the fan-out —
 * needs none).
 */
export const pendingDaysAmong = (db: DB, workDate: string, employeeIds: number[]): Promise<Set<number>> =>
  daysWithOutcome(db, workDate, 'pending', employeeIds);

/**
 * Settles a still-pending (or missed) day from its current record: the submission's own update
 * found no row when it raced the fan-out's insert.
 */
export async function settleDayFromRecord(db: DB, employeeId: number, workDate: string): Promise<void> {
  await db
    .updateTable('checkin_days')
    .set({ outcome: sql<DayOutcome>`${outcomeFromRecord(employeeId, workDate)}`, updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('outcome', 'in', ['pending', 'missed'])
    .where(sql<boolean>`${outcomeFromRecord(employeeId, workDate)} is not null`)
    .execute();
}

/** Marks one still-pending (or missed) day submitted or late. */
export async function markDaySubmitted(
  trx: Transaction<Database>,
  employeeId: number,
  workDate: string,
  outcome: 'submitted' | 'late',
): Promise<void> {
  await trx
    .updateTable('checkin_days')
    .set({ outcome, updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('outcome', 'in', ['pending', 'missed'])
    .execute();
}

/**
 * The update marking still-pending (or missed) days submitted or late, several in one statement
 * (run inside the group commit's statement).
 */
export function daysSubmittedUpdate(
  days: readonly { employeeId: number; workDate: string; outcome: 'submitted' | 'late' }[],
) {
  const rows = sql.join(
    days.map((d) => sql`(${d.employeeId}::int, ${d.workDate}::date, ${d.outcome}::text)`),
  );
  return sql`update checkin_days c set outcome = v.outcome, updated_at = now()
    from (values ${rows}) as v (employee_id, work_date, outcome)
    where c.employee_id = v.employee_id and c.work_date = v.work_date
      and c.outcome in ('pending', 'missed')`;
}

export function findDay(db: DB, employeeId: number, workDate: string) {
  return db
    .selectFrom('checkin_days')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .executeTakeFirst();
}

export async function recordLevelReached(db: DB, employeeId: number, workDate: string, level: number) {
  await db
    .updateTable('checkin_days')
    .set({ level_reached: sql<number>`greatest(level_reached, ${level})`, updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .execute();
}

/** Closes a still-pending day as missed; a day already submitted keeps its outcome. */
export async function closeDayAsMissed(
  db: DB,
  employeeId: number,
  workDate: string,
): Promise<DayOutcome | undefined> {
  await db
    .updateTable('checkin_days')
    .set({ outcome: 'missed', updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('outcome', '=', 'pending')
    .execute();
  const day = await findDay(db, employeeId, workDate);
  return day?.outcome;
}

/** Marks a still-pending day exempt (leave entered mid-day); true when it was pending. */
export async function markDayExempt(
  db: DB | Transaction<Database>,
  employeeId: number,
  workDate: string,
  /** why, where the calendar and leave do not say it (`consent_withdrawn`) */
  reason: string | null = null,
): Promise<boolean> {
  const r = await db
    .updateTable('checkin_days')
    .set({ outcome: 'exempt', exempt_reason: reason, updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('outcome', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Raises the level reached of many days at once (the department ladder's step). */
export async function recordLevelReachedFor(db: DB, workDate: string, employeeIds: number[], level: number) {
  if (employeeIds.length === 0) return;
  await db
    .updateTable('checkin_days')
    .set({ level_reached: sql<number>`greatest(level_reached, ${level})`, updated_at: sql`now()` })
    .where('work_date', '=', workDate)
    .where('employee_id', 'in', employeeIds)
    .where('level_reached', '<', level)
    .execute();
}

/**
 * The department's days not submitted whose instant for `level` has come (its own time zone's
 * instant: a department can have people in several), with what the HR level needs. A day already
 * closed as missed still counts: a ladder step retried after the close (a worker down for long)
 * owes those people the level all the same.
 */
export async function pendingDaysDueForLevel(db: DB, workDate: string, departmentId: number, level: number) {
  const { rows } = await sql<{ employee_id: number; closes_at: Date; ding_phone_call: boolean | null }>`
    select d.employee_id, d.closes_at, (d.schedule ->> 'dingPhoneCall')::boolean as ding_phone_call
    from checkin_days d
    where d.work_date = ${workDate} and d.department_id = ${departmentId}
      and d.outcome in ('pending', 'missed')
      and exists (
        select 1 from jsonb_to_recordset(d.schedule -> 'reminders') as r(level int, at timestamptz)
        where r.level = ${level} and r.at <= now())
    order by d.employee_id`.execute(db);
  return rows.map((r) => ({
    employeeId: r.employee_id,
    closesAt: new Date(r.closes_at).toISOString(),
    dingPhoneCall: r.ding_phone_call ?? false,
  }));
}

/**
 * Every (department, level, instant) the pending days of a date have, past or ahead, with the
 * latest `late_until` of those days (the ladder's deadline).
 */
export async function ladderInstants(db: DB, workDate: string) {
  const { rows } = await sql<{ department_id: number; level: number; at: Date; until: Date }>`
    select d.department_id, r.level, r.at, max(d.late_until) as until
    from checkin_days d, jsonb_to_recordset(d.schedule -> 'reminders') as r(level int, at timestamptz)
    where d.work_date = ${workDate} and d.outcome = 'pending'
    group by d.department_id, r.level, r.at`.execute(db);
  return rows.map((r) => ({
    departmentId: r.department_id,
    level: r.level,
    at: new Date(r.at).toISOString(),
    until: new Date(r.until).toISOString(),
  }));
}
