// Questions about the organisation: who works where, who manages and who is HR for them.
// Mobile numbers are sealed (db/sealed-fields.ts): written sealed, opened on read.
import type { Updateable } from 'kysely';
import type { DB } from '../connect.ts';
import type { Employee, EmployeesTable } from '../database.ts';
import { openMobile, sealMobile, stripSealed } from '../sealed-fields.ts';

/** An employees row with its sealed mobile opened. */
export function openEmployee<R extends { mobile_ct: string | null }>(row: R) {
  return { ...stripSealed(row, ['mobile']), mobile: openMobile(row.mobile_ct) };
}

/** Applies the changes (sealing a new mobile); false when there is no such employee. */
export async function updateEmployee(
  db: DB,
  id: number,
  changes: Omit<Updateable<EmployeesTable>, 'mobile' | 'mobile_ct' | 'key_id'> & { mobile?: string | null },
): Promise<boolean> {
  const { mobile, ...plain } = changes;
  const u = await db
    .updateTable('employees')
    // A row sealed here counts as sealed, so its legacy plaintext must go too.
    .set({ ...plain, ...(mobile === undefined ? {} : { ...sealMobile(mobile), mobile: null }) })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

export async function findEmployeeById(db: DB, id: number): Promise<Employee | undefined> {
  const row = await db.selectFrom('employees').selectAll().where('id', '=', id).executeTakeFirst();
  return row && openEmployee(row);
}

export async function findEmployeeByDingtalkUserId(db: DB, userId: string): Promise<Employee | undefined> {
  const row = await db
    .selectFrom('employees')
    .selectAll()
    .where('dingtalk_user_id', '=', userId)
    .executeTakeFirst();
  return row && openEmployee(row);
}

/** One page of active employees after `afterId`, in id order (keyset pagination for the fan-out). */
export function listActiveEmployeesAfter(db: DB, afterId: number, limit: number) {
  return db
    .selectFrom('employees as e')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'e.id',
      'e.department_id',
      'e.dingtalk_user_id',
      'e.workdays',
      'e.time_zone',
      'd.time_zone as department_time_zone',
    ])
    .where('e.active', '=', true)
    .where('e.id', '>', afterId)
    .orderBy('e.id')
    .limit(limit)
    .execute();
}

export function countActiveEmployees(db: DB) {
  return db
    .selectFrom('employees')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('active', '=', true)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

/** The department with its manager, HR contact and group robot, for the escalation levels. */
export async function findDepartmentContacts(db: DB, departmentId: number) {
  const dept = await db
    .selectFrom('departments as d')
    .leftJoin('employees as m', 'm.id', 'd.manager_id')
    .leftJoin('employees as h', 'h.id', 'd.hr_contact_id')
    .leftJoin('department_robots as r', 'r.department_id', 'd.id')
    .select([
      'd.id',
      'd.name',
      'm.id as manager_id',
      'm.name as manager_name',
      'm.dingtalk_user_id as manager_user_id',
      'h.id as hr_id',
      'h.name as hr_name',
      'h.dingtalk_user_id as hr_user_id',
      'h.dingtalk_union_id as hr_union_id',
      'r.webhook_token',
      'r.signing_secret',
    ])
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  return dept;
}

export async function findEmployeesByIds(db: DB, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('employees as e')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'e.id',
      'e.name',
      'e.dingtalk_user_id',
      'e.mobile_ct',
      'e.department_id',
      'd.name as department_name',
    ])
    .where('e.id', 'in', ids)
    .orderBy('e.id')
    .execute();
  return rows.map(openEmployee);
}
