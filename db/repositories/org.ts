// Questions about the organisation: who works where, who manages and who is HR for them.
import type { DB } from '../connect.ts';

export function findEmployeeById(db: DB, id: number) {
  return db.selectFrom('employees').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEmployeeByDingtalkUserId(db: DB, userId: string) {
  return db.selectFrom('employees').selectAll().where('dingtalk_user_id', '=', userId).executeTakeFirst();
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

export function findEmployeesByIds(db: DB, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('employees as e')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'e.id',
      'e.name',
      'e.dingtalk_user_id',
      'e.mobile',
      'e.department_id',
      'd.name as department_name',
    ])
    .where('e.id', 'in', ids)
    .orderBy('e.id')
    .execute();
}
