// Company calendar overrides and employees' leave.
import type { Transaction } from 'kysely';
import type { Overrides } from '../../domain/calendar/work-calendar.ts';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { Database } from '../database.ts';

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

/** Sets (or replaces) the override of one date. */
export async function upsertOverride(
  db: DB,
  o: { date: string; kind: 'workday' | 'day_off'; note: string | null },
) {
  await db
    .insertInto('calendar_overrides')
    .values({ date: o.date, kind: o.kind, note: o.note })
    .onConflict((oc) => oc.column('date').doUpdateSet({ kind: o.kind, note: o.note }))
    .execute();
}

/** Removes the override of one date; false when there was none. */
export async function deleteOverride(db: DB, date: string): Promise<boolean> {
  const gone = await db.deleteFrom('calendar_overrides').where('date', '=', date).executeTakeFirst();
  return Number(gone.numDeletedRows) > 0;
}

/** Any leave of this employee covering `date`. */
export function findLeaveCovering(db: DB, employeeId: number, date: string) {
  return db
    .selectFrom('leaves')
    .select('id')
    .where('employee_id', '=', employeeId)
    .where('from_date', '<=', date)
    .where('to_date', '>=', date)
    .executeTakeFirst();
}

export interface LeaveRow {
  employee_id: number;
  kind: 'leave' | 'business_trip';
  from_date: string;
  to_date: string;
  note: string | null;
  source: string;
}

/** Stores a leave and returns the stored row. */
export function insertLeave(db: DB | Transaction<Database>, l: LeaveRow) {
  return db.insertInto('leaves').values(l).returningAll().executeTakeFirstOrThrow();
}

/** A leave with its employee's department (to check scope), or undefined. */
export function findLeaveWithDepartment(db: DB, id: number) {
  return db
    .selectFrom('leaves')
    .innerJoin('employees', 'employees.id', 'leaves.employee_id')
    .select(['leaves.id', 'employees.department_id'])
    .where('leaves.id', '=', id)
    .executeTakeFirst();
}

/** Deletes a leave; returns the deleted row. */
export function deleteLeaveById(db: DB, id: number) {
  return db.deleteFrom('leaves').where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Leaves with the employee's and department's names, limited to a scope (the admin list). */
export function leavesListQuery(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('leaves as l')
    .innerJoin('employees as e', 'e.id', 'l.employee_id')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'l.id',
      'l.employee_id',
      'e.name as employee_name',
      'e.department_id',
      'd.name as department_name',
      'l.kind',
      'l.from_date',
      'l.to_date',
      'l.note',
      'l.source',
      'l.created_at',
    ])
    .$if(scope !== 'all', (q) => q.where('e.department_id', 'in', idsOrNone(scope as readonly number[])));
}
