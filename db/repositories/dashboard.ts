// The dashboard's questions, answered from the pre-aggregated department_day_stats (migration
// 0009) and, for the live list, a page of today's open days. Every function takes the departments
// the viewer may see: 'all', or a list of department ids filtered in SQL.
import { sql, type Selectable } from 'kysely';
import { dayHasNoCurrentRecord } from './records.ts';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { DepartmentDayStatsTable } from '../database.ts';
import { skippedLevels } from './skipped-levels.ts';
import { ReminderLevels } from '../../domain/reminders/ladder.ts';

/**
 * Where the figures come from: the trigger-kept table, or the same figures recounted from the raw
 * rows (what the table replaced; tests and the benchmark compare the two).
 */
export type StatsSource = 'table' | 'recount';

export interface DateRange {
  from: string;
  to: string;
}

export type DayStats = Selectable<DepartmentDayStatsTable>;

/** department_day_stats rows in the range and scope, as `s`. */
function stats(db: DB, range: DateRange, scope: DepartmentScope, source: StatsSource) {
  const from =
    source === 'table'
      ? db.selectFrom('department_day_stats as s')
      : db.selectFrom(
          sql<DayStats>`department_day_stats_recount(${range.from}::date, ${range.to}::date)`.as('s'),
        );
  return from
    .where('s.work_date', '>=', range.from)
    .where('s.work_date', '<=', range.to)
    .$if(scope !== 'all', (q) => q.where('s.department_id', 'in', idsOrNone(scope as readonly number[])));
}

/** Every figure per department per day (the test and benchmark compare sources with this). */
export function dayStats(
  db: DB,
  range: DateRange,
  scope: DepartmentScope,
  source: StatsSource = 'table',
): Promise<DayStats[]> {
  return stats(db, range, scope, source)
    .selectAll('s')
    .orderBy('s.work_date')
    .orderBy('s.department_id')
    .execute();
}

export interface DayTotals {
  expected: number;
  submitted: number;
  pending: number;
  anomalies: number;
  missed: number;
  exempt: number;
}

/** One day's totals across the scope. */
export function dayTotals(
  db: DB,
  workDate: string,
  scope: DepartmentScope,
  source: StatsSource = 'table',
): Promise<DayTotals> {
  return stats(db, { from: workDate, to: workDate }, scope, source)
    .select([
      sql<number>`coalesce(sum(s.expected), 0)::int`.as('expected'),
      sql<number>`coalesce(sum(s.submitted), 0)::int`.as('submitted'),
      sql<number>`coalesce(sum(s.pending), 0)::int`.as('pending'),
      sql<number>`coalesce(sum(s.warnings + s.reds), 0)::int`.as('anomalies'),
      sql<number>`coalesce(sum(s.missed), 0)::int`.as('missed'),
      sql<number>`coalesce(sum(s.exempt), 0)::int`.as('exempt'),
    ])
    .executeTakeFirstOrThrow();
}

/** How many people in the scope are not asked today because they withdrew consent. */
export async function consentWithdrawnToday(
  db: DB,
  workDate: string,
  scope: DepartmentScope,
): Promise<number> {
  const r = await db
    .selectFrom('checkin_days')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('work_date', '=', workDate)
    .where('outcome', '=', 'exempt')
    .where('exempt_reason', '=', 'consent_withdrawn')
    .$if(scope !== 'all', (q) => q.where('department_id', 'in', idsOrNone(scope as readonly number[])))
    .executeTakeFirstOrThrow();
  return r.n;
}

/** One department's figures for one day (the heat map here, the reports' summary too). */
export interface DepartmentDayFigures {
  department_id: number;
  department_name: string;
  work_date: string;
  expected: number;
  submitted: number;
  warnings: number;
  reds: number;
}

/** Departments × days from the table (or the recount), by department name then date. */
function departmentDays(db: DB, range: DateRange, scope: DepartmentScope, source: StatsSource) {
  return stats(db, range, scope, source)
    .innerJoin('departments as d', 'd.id', 's.department_id')
    .select([
      's.department_id',
      'd.name as department_name',
      's.work_date',
      's.expected',
      's.submitted',
      's.warnings',
      's.reds',
    ])
    .orderBy('d.name')
    .orderBy('s.department_id')
    .orderBy('s.work_date');
}

/** Departments × days with anyone expected. */
export function heatmapCells(
  db: DB,
  range: DateRange,
  scope: DepartmentScope,
  source: StatsSource = 'table',
): Promise<DepartmentDayFigures[]> {
  return departmentDays(db, range, scope, source).where('s.expected', '>', 0).execute();
}

/**
 * The reports' and the digest's summary: the heat map's cells plus department-days where nobody
 * was expected but someone recorded an anomaly (a record on a day of leave), so a summary's
 * anomaly counts equal its anomaly list and the dashboard's trend.
 */
export function summaryCells(
  db: DB,
  range: DateRange,
  scope: DepartmentScope,
): Promise<DepartmentDayFigures[]> {
  return departmentDays(db, range, scope, 'table')
    .where((eb) => eb.or([eb('s.expected', '>', 0), eb('s.warnings', '>', 0), eb('s.reds', '>', 0)]))
    .execute();
}

/** Warnings and reds per day that has any record in the scope. */
export function anomalyTrend(
  db: DB,
  range: DateRange,
  scope: DepartmentScope,
  source: StatsSource = 'table',
): Promise<{ work_date: string; warnings: number; reds: number }[]> {
  return stats(db, range, scope, source)
    .select([
      's.work_date',
      sql<number>`sum(s.warnings)::int`.as('warnings'),
      sql<number>`sum(s.reds)::int`.as('reds'),
    ])
    .groupBy('s.work_date')
    .orderBy('s.work_date')
    .execute();
}

/** How many people have not submitted that day, per department (for the list's filter). */
export function openDayCounts(db: DB, workDate: string, scope: DepartmentScope) {
  return stats(db, { from: workDate, to: workDate }, scope, 'table')
    .innerJoin('departments as d', 'd.id', 's.department_id')
    .select([
      's.department_id',
      'd.name as department_name',
      sql<number>`(s.pending + s.missed)::int`.as('open'),
    ])
    .where(sql<boolean>`s.pending + s.missed > 0`)
    .orderBy('d.name')
    .execute();
}

/**
 * A page of the day's people without a record (pending or missed), most chased first; read along
 * checkin_days_open_idx, so it costs the page, not the number of open days.
 */
export function openDays(db: DB, workDate: string, scope: DepartmentScope, limit: number, offset = 0) {
  return (
    db
      .selectFrom('checkin_days as c')
      .innerJoin('employees as e', 'e.id', 'c.employee_id')
      .innerJoin('departments as d', 'd.id', 'c.department_id')
      // 已读/未读 of the person's own level-1 notification, by reminders_sent's primary key
      .leftJoin('reminders_sent as r1', (j) =>
        j
          .onRef('r1.employee_id', '=', 'c.employee_id')
          .onRef('r1.work_date', '=', 'c.work_date')
          .on('r1.level', '=', ReminderLevels.notifyEmployee),
      )
      .select([
        'e.id',
        'e.name',
        'c.department_id',
        'd.name as department_name',
        'c.level_reached',
        skippedLevels(),
        'c.outcome',
        'r1.delivery as reminder_delivery',
      ])
      .where('c.work_date', '=', workDate)
      // literal, so the planner can match the partial index's predicate
      .where(sql<boolean>`c.outcome in ('pending', 'missed')`)
      .$if(scope !== 'all', (q) => q.where('c.department_id', 'in', idsOrNone(scope as readonly number[])))
      .where(dayHasNoCurrentRecord)
      .orderBy('c.level_reached', 'desc')
      .orderBy('c.department_id')
      .orderBy('c.employee_id')
      .limit(limit)
      .offset(offset)
      .execute()
  );
}
