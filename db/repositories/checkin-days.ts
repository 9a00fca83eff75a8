// The per-employee day rows: created by the fan-out, closed by the workflow or a submission.
import { sql, type Transaction } from 'kysely';
import type { DaySchedule } from '../../domain/day-schedule.ts';
import type { DB } from '../connect.ts';
import type { Database, DayOutcome } from '../database.ts';

export interface NewDay {
  employeeId: number;
  departmentId: number;
  schedule: DaySchedule;
}

/** Inserts the day rows that do not exist yet; an existing day keeps its snapshot. */
export async function insertDaysIfAbsent(db: DB, days: NewDay[]): Promise<void> {
  if (days.length === 0) return;
  await db
    .insertInto('checkin_days')
    .values(
      days.map((d) => ({
        employee_id: d.employeeId,
        department_id: d.departmentId,
        work_date: d.schedule.workDate,
        opens_at: d.schedule.opensAt,
        closes_at: d.schedule.closesAt,
        late_until: d.schedule.lateUntil,
        schedule: JSON.stringify(d.schedule),
      })),
    )
    .onConflict((oc) => oc.columns(['employee_id', 'work_date']).doNothing())
    .execute();
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
): Promise<boolean> {
  const r = await db
    .updateTable('checkin_days')
    .set({ outcome: 'exempt', updated_at: sql`now()` })
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('outcome', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
