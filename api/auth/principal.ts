// Who is calling and what they may see: roles and department scopes, computed from the database
// on every request so a changed manager or revoked grant takes effect at once.
import type { DB } from '../../db/connect.ts';
import type { DepartmentScope } from '../../db/department-scope.ts';
import { findActiveIdentity, findLocalAccountById, loadAccessFacts } from '../../db/repositories/access.ts';

export const roles = ['employee', 'manager', 'hr', 'admin'] as const;
export type Role = (typeof roles)[number];

/** department ids, or every department */
export type Scope = DepartmentScope;

export interface Principal {
  /** stable actor id for the audit log: employee:12, account:admin, operator */
  actor: string;
  name: string;
  employeeId: number | null;
  roles: Role[];
  /** departments whose people's health data the manager role covers */
  managerScope: readonly number[];
  /** departments the HR role covers */
  hrScope: Scope;
  via: 'session' | 'employee-token' | 'operator';
}

export type Via = Principal['via'];

/**
 * A Bearer token comes from a check-in link or the check-in page's 免登: it may be forwarded or
 * left in a shared browser, so it only ever carries the employee's own powers. Staff powers need a
 * staff session (cookie + CSRF).
 */
export const employeeTokenPrincipal = (employee: { id: number; name: string }): Principal => ({
  actor: `employee:${employee.id}`,
  name: employee.name,
  employeeId: employee.id,
  via: 'employee-token',
  roles: ['employee'],
  managerScope: [],
  hrScope: [],
});

export async function employeePrincipal(db: DB, employeeId: number, via: Via): Promise<Principal | null> {
  const employee = await findActiveIdentity(db, employeeId);
  if (!employee) return null;
  if (via === 'employee-token') return employeeTokenPrincipal(employee);
  const base = { actor: `employee:${employee.id}`, name: employee.name, employeeId: employee.id, via };
  const facts = await loadAccessFacts(db, employeeId);
  const r: Role[] = ['employee'];
  if (facts.managed.length) r.push('manager');
  const hrGrant = facts.grants.find((g) => g.role === 'hr');
  if (hrGrant || facts.hrFor.length) r.push('hr');
  if (facts.grants.some((g) => g.role === 'admin')) r.push('admin');
  return {
    ...base,
    roles: r,
    managerScope: facts.managed,
    hrScope: hrGrant?.all_departments ? 'all' : facts.hrFor,
  };
}

export async function accountPrincipal(db: DB, accountId: number): Promise<Principal | null> {
  const account = await findLocalAccountById(db, accountId);
  if (!account) return null;
  return {
    actor: `account:${account.username}`,
    name: account.username,
    employeeId: null,
    roles: [...account.roles],
    managerScope: [],
    hrScope: account.roles.includes('hr') && account.hr_all_departments ? 'all' : [],
    via: 'session',
  };
}

/** The operator key used by scripts and tests: company-wide admin and HR. */
export const operatorPrincipal: Principal = Object.freeze({
  actor: 'operator',
  name: 'operator',
  employeeId: null,
  roles: ['admin', 'hr'] as Role[],
  managerScope: [],
  hrScope: 'all',
  via: 'operator',
});

export const hasAnyRole = (p: Principal, wanted: readonly Role[]) => p.roles.some((r) => wanted.includes(r));
