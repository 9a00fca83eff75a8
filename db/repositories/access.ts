// What a person may see: the departments they manage or are HR for (with sub-departments), and grants.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import type { StaffRole } from '../database.ts';

export interface AccessFacts {
  /** department ids managed by the person, sub-departments included */
  managed: number[];
  /** department ids the person is HR contact for, sub-departments included */
  hrFor: number[];
  grants: { role: StaffRole; all_departments: boolean }[];
}

/** The given departments and everything below them. */
export async function departmentSubtree(db: DB, roots: readonly number[]): Promise<number[]> {
  if (roots.length === 0) return [];
  const { rows } = await sql<{ id: number }>`
    with recursive tree(id) as (
      select id from departments where id = any(${[...roots]}::int[])
      union
      select d.id from departments d join tree t on d.parent_id = t.id
    )
    select id from tree order by id`.execute(db);
  return rows.map((r) => r.id);
}

/** Who an active employee is, without opening any sealed field (sessions ask this on every request). */
export function findActiveIdentity(db: DB, employeeId: number) {
  return db
    .selectFrom('employees')
    .select(['id', 'name'])
    .where('id', '=', employeeId)
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function loadAccessFacts(db: DB, employeeId: number): Promise<AccessFacts> {
  const [depts, grants] = await Promise.all([
    db
      .selectFrom('departments')
      .select(['id', 'manager_id', 'hr_contact_id'])
      .where((eb) => eb.or([eb('manager_id', '=', employeeId), eb('hr_contact_id', '=', employeeId)]))
      .execute(),
    db
      .selectFrom('role_grants')
      .select(['role', 'all_departments'])
      .where('employee_id', '=', employeeId)
      .execute(),
  ]);
  const [managed, hrFor] = await Promise.all([
    departmentSubtree(
      db,
      depts.filter((d) => d.manager_id === employeeId).map((d) => d.id),
    ),
    departmentSubtree(
      db,
      depts.filter((d) => d.hr_contact_id === employeeId).map((d) => d.id),
    ),
  ]);
  return { managed, hrFor, grants };
}

export function findLocalAccount(db: DB, username: string) {
  return db.selectFrom('local_accounts').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findLocalAccountById(db: DB, id: number) {
  return db.selectFrom('local_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the account unless one with that name exists; true when created. */
export async function createLocalAccountIfAbsent(
  db: DB,
  account: { username: string; passwordHash: string; roles: StaffRole[] },
): Promise<boolean> {
  const r = await db
    .insertInto('local_accounts')
    .values({
      username: account.username,
      password_hash: account.passwordHash,
      roles: account.roles,
      hr_all_departments: account.roles.includes('hr'),
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Failed attempts lock the account for a while (the rate limiter also slows guessing per IP). */
export async function recordSignInAttempt(db: DB, id: number, ok: boolean, lockAfter = 5, lockMinutes = 15) {
  if (ok) {
    await db
      .updateTable('local_accounts')
      .set({ failed_attempts: 0, locked_until: null, last_login_at: new Date() })
      .where('id', '=', id)
      .execute();
    return;
  }
  // A lock is never extended by attempts made while it holds (the caller does not count them), and
  // an expired lock starts the count afresh: otherwise one wrong guess per lock period would keep
  // the account locked for good.
  const count = sql<number>`case when locked_until <= now() then 1 else failed_attempts + 1 end`;
  await db
    .updateTable('local_accounts')
    .set({
      failed_attempts: count,
      locked_until: sql<Date | null>`case when ${count} >= ${lockAfter}
        then now() + make_interval(mins => ${lockMinutes}) else null end`,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', sql<Date>`now()`)]))
    .execute();
}

/** Stores a new password hash and clears the lock; false when the account does not exist. */
export async function setLocalPasswordHash(db: DB, username: string, passwordHash: string): Promise<boolean> {
  const r = await db
    .updateTable('local_accounts')
    .set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Lifts a local account's sign-in lock (an administrator's recovery path); false when unknown. */
export async function unlockLocalAccount(db: DB, username: string): Promise<boolean> {
  const r = await db
    .updateTable('local_accounts')
    .set({ failed_attempts: 0, locked_until: null })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function grantRole(db: DB, employeeId: number, role: StaffRole, allDepartments: boolean) {
  await db
    .insertInto('role_grants')
    .values({ employee_id: employeeId, role, all_departments: allDepartments })
    .onConflict((oc) => oc.columns(['employee_id', 'role']).doUpdateSet({ all_departments: allDepartments }))
    .execute();
}

export async function revokeRole(db: DB, employeeId: number, role: StaffRole) {
  await db.deleteFrom('role_grants').where('employee_id', '=', employeeId).where('role', '=', role).execute();
}
