// Questions about the organisation: who works where, who manages and who is HR for them.
// Mobile numbers are sealed (db/sealed-fields.ts) and opened only where a reader needs them.
import { sql, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { Database, DepartmentsTable, Employee, EmployeesTable } from '../database.ts';
import type { FieldKeyring } from '../../security/field-crypto.ts';
import { keyringOf, openMobile, sealMobile, stripSealed } from '../sealed-fields.ts';

/** An employees row with its sealed mobile opened. */
export function openEmployee<R extends { mobile_ct: string | null }>(row: R, k: FieldKeyring) {
  return { ...stripSealed(row, ['mobile']), mobile: openMobile(row.mobile_ct, k) };
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
    .set({
      ...plain,
      ...(mobile === undefined ? {} : { ...sealMobile(mobile, keyringOf(db)), mobile: null }),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

export async function findEmployeeById(db: DB, id: number): Promise<Employee | undefined> {
  const row = await db.selectFrom('employees').selectAll().where('id', '=', id).executeTakeFirst();
  return row && openEmployee(row, keyringOf(db));
}

export async function findEmployeeByDingtalkUserId(db: DB, userId: string): Promise<Employee | undefined> {
  const row = await db
    .selectFrom('employees')
    .selectAll()
    .where('dingtalk_user_id', '=', userId)
    .executeTakeFirst();
  return row && openEmployee(row, keyringOf(db));
}

/** Employees `e` joined to their department `d`: the base of every employee query with department columns. */
const employeesWithDepartment = (db: DB) =>
  db.selectFrom('employees as e').innerJoin('departments as d', 'd.id', 'e.department_id');

/** One page of active employees after `afterId`, in id order (keyset pagination for the fan-out). */
export function listActiveEmployeesAfter(db: DB, afterId: number, limit: number) {
  return employeesWithDepartment(db)
    .select([
      'e.id',
      'e.department_id',
      'e.dingtalk_user_id',
      'e.workdays',
      'e.time_zone',
      'e.privacy_version',
      'e.privacy_state',
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

/** Departments joined to their manager (m), HR contact (h) and group robot (r). */
const departmentsWithContacts = (db: DB) =>
  db
    .selectFrom('departments as d')
    .leftJoin('employees as m', 'm.id', 'd.manager_id')
    .leftJoin('employees as h', 'h.id', 'd.hr_contact_id')
    .leftJoin('department_robots as r', 'r.department_id', 'd.id');

/** The department with its manager, HR contact and group robot, for the escalation levels. */
export async function findDepartmentContacts(db: DB, departmentId: number) {
  const dept = await departmentsWithContacts(db)
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
  const rows = await employeesWithDepartment(db)
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
  return rows.map((r) => openEmployee(r, keyringOf(db)));
}

/** An employee's name with their department's name. */
export function findEmployeeWithDepartmentName(db: DB, employeeId: number) {
  return employeesWithDepartment(db)
    .select(['e.name', 'd.name as department_name'])
    .where('e.id', '=', employeeId)
    .executeTakeFirstOrThrow();
}

/** A department's name, or undefined when it does not exist. */
export function findDepartmentName(db: DB, id: number) {
  return db.selectFrom('departments').select('name').where('id', '=', id).executeTakeFirst();
}

/** Whether a department exists. */
export async function departmentExists(db: DB, id: number): Promise<boolean> {
  return !!(await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst());
}

/** Sets a department's time zone; false when it does not exist. */
export async function setDepartmentTimeZone(db: DB, id: number, timeZone: string | null): Promise<boolean> {
  const u = await db
    .updateTable('departments')
    .set({ time_zone: timeZone })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** Sets an employee's workdays and time zone inside a scope; false when absent or outside it. */
export async function setEmployeeWorkPattern(
  db: DB,
  id: number,
  scope: DepartmentScope,
  pattern: Pick<Updateable<EmployeesTable>, 'workdays' | 'time_zone'>,
): Promise<boolean> {
  let q = db.updateTable('employees').set(pattern).where('id', '=', id);
  if (scope !== 'all') q = q.where('department_id', 'in', idsOrNone(scope));
  const u = await q.executeTakeFirst();
  return Number(u.numUpdatedRows) > 0;
}

/** Ids and names of these departments (unknown ids are left out). */
export function findDepartmentNames(db: DB, ids: readonly number[]) {
  return db
    .selectFrom('departments')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
}

/** Every department's manager and HR contact. */
export function listDepartmentContactIds(db: DB) {
  return db.selectFrom('departments').select(['id', 'manager_id', 'hr_contact_id']).execute();
}

/** The DingTalk user ids of these employees. */
export function findDingtalkUserIds(db: DB, ids: readonly number[]) {
  return db
    .selectFrom('employees')
    .select(['id', 'dingtalk_user_id'])
    .where('id', 'in', [...ids])
    .execute();
}

/** A department's manager and HR contact ids, or undefined when it does not exist. */
export function findDepartmentHeads(db: DB, id: number) {
  return db
    .selectFrom('departments')
    .select(['manager_id', 'hr_contact_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Changes a department's own columns (name, parent, manager, HR contact, time zone). */
export async function updateDepartment(
  trx: Transaction<Database>,
  id: number,
  changes: Updateable<DepartmentsTable>,
): Promise<void> {
  await trx.updateTable('departments').set(changes).where('id', '=', id).execute();
}

/** Id, name and parent of the departments in a scope (a report's department tree). */
export function departmentsIn(db: DB, scope: readonly number[]) {
  return db
    .selectFrom('departments')
    .select(['id', 'name', 'parent_id'])
    .where('id', 'in', idsOrNone(scope))
    .execute();
}

/** Every department's id and name (the CSV import resolves departments by either). */
export function listDepartmentNames(db: DB) {
  return db.selectFrom('departments').select(['id', 'name']).orderBy('id').execute();
}

/** The employees with these DingTalk user ids, with every column an import may change. */
export async function findEmployeesByUserIds(db: DB, userIds: string[]) {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('employees')
    .select([
      'id',
      'dingtalk_user_id',
      'dingtalk_union_id',
      'name',
      'department_id',
      'manager_id',
      'mobile_ct',
      'active',
      'time_zone',
      'workdays',
    ])
    .where('dingtalk_user_id', 'in', userIds)
    .execute();
  return rows.map((r) => openEmployee(r, keyringOf(db)));
}

/** Which of these union ids belong to someone (union ids are unique). */
export function findEmployeesByUnionIds(db: DB, unionIds: string[]) {
  if (unionIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('employees')
    .select(['id', 'dingtalk_user_id', 'dingtalk_union_id'])
    .where('dingtalk_union_id', 'in', unionIds)
    .execute();
}

/** What an import writes for one person (no manager: managers are set once everyone exists). */
export interface EmployeeWrite {
  dingtalk_user_id: string;
  dingtalk_union_id: string | null;
  name: string;
  department_id: number;
  mobile: string | null;
  active: boolean;
  time_zone: string | null;
  workdays: number[] | null;
}

/**
 * Inserts or updates employees by DingTalk user id, sealing each mobile. Returns user id →
 * employee id.
 */
export async function upsertEmployeesByUserId(db: DB, rows: EmployeeWrite[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += 500) {
    const written = await db
      .insertInto('employees')
      .values(
        rows
          .slice(i, i + 500)
          .map(({ mobile, ...plain }) => ({ ...plain, ...sealMobile(mobile, keyringOf(db)), mobile: null })),
      )
      .onConflict((oc) =>
        oc.column('dingtalk_user_id').doUpdateSet((eb) => ({
          dingtalk_union_id: eb.ref('excluded.dingtalk_union_id'),
          name: eb.ref('excluded.name'),
          department_id: eb.ref('excluded.department_id'),
          mobile: null,
          mobile_ct: eb.ref('excluded.mobile_ct'),
          key_id: eb.ref('excluded.key_id'),
          active: eb.ref('excluded.active'),
          time_zone: eb.ref('excluded.time_zone'),
          workdays: eb.ref('excluded.workdays'),
        })),
      )
      .returning(['id', 'dingtalk_user_id'])
      .execute();
    for (const w of written) ids.set(w.dingtalk_user_id, w.id);
  }
  return ids;
}

/** Sets each listed employee's manager (null clears it). */
export async function setManagers(
  db: DB,
  changes: { id: number; managerId: number | null }[],
): Promise<void> {
  for (let i = 0; i < changes.length; i += 1000) {
    const values = changes.slice(i, i + 1000).map((c) => sql`(${c.id}::int, ${c.managerId}::int)`);
    // One statement per chunk (the builder has no UPDATE … FROM (VALUES …)).
    await sql`update employees e set manager_id = v.manager_id
      from (values ${sql.join(values)}) as v(id, manager_id) where e.id = v.id`.execute(db);
  }
}

/** Sets (or with null removes) a department's DingTalk group robot. */
export async function setDepartmentRobot(
  db: DB,
  departmentId: number,
  robot: { webhookToken: string; signingSecret: string | null } | null,
): Promise<void> {
  if (!robot) {
    await db.deleteFrom('department_robots').where('department_id', '=', departmentId).execute();
    return;
  }
  const values = { webhook_token: robot.webhookToken, signing_secret: robot.signingSecret };
  await db
    .insertInto('department_robots')
    .values({ department_id: departmentId, ...values })
    .onConflict((oc) => oc.column('department_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/** Departments with their manager's and HR contact's names and whether a robot is set, limited to a scope. */
export function departmentsListQuery(db: DB, scope: DepartmentScope) {
  return departmentsWithContacts(db)
    .select([
      'd.id',
      'd.name',
      'd.parent_id',
      'd.manager_id',
      'm.name as manager_name',
      'd.hr_contact_id',
      'h.name as hr_name',
      'd.time_zone',
      // the webhook token and signing secret are write-only: the UI only learns one is set
      sql<boolean>`r.department_id is not null`.as('robot_configured'),
    ])
    .$if(scope !== 'all', (q) => q.where('d.id', 'in', idsOrNone(scope as readonly number[])));
}

/** Employees with their department's name, limited to a scope (the admin list; mobile sealed). */
export function employeesListQuery(db: DB, scope: DepartmentScope) {
  return employeesWithDepartment(db)
    .select([
      'e.id',
      'e.name',
      'e.dingtalk_user_id',
      'e.department_id',
      'd.name as department_name',
      'e.manager_id',
      'e.mobile_ct',
      'e.active',
      'e.workdays',
      'e.time_zone',
    ])
    .$if(scope !== 'all', (q) => q.where('e.department_id', 'in', idsOrNone(scope as readonly number[])));
}
