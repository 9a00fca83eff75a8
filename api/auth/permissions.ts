// The one table of who may do what, and the department scope each permission carries into SQL.
import type { Request, RequestHandler } from 'express';
import { guard } from '../http/contract.ts';
import { forbidden, notFound, unauthenticated } from '../http/errors.ts';
import { hasAnyRole, type Principal, type Role, type Scope } from './principal.ts';

/**
 * `health`: the permission reads people's health answers, limited to the departments the person
 * manages or is HR for. `people`: directory data (names, departments), all for admins.
 * `company`: company-wide configuration, no department scope. `hr`: the departments the HR role
 * covers. `person`: only a signed-in employee holds it (not a local account or the operator key),
 * because the act names who did it. `companyWide`: held only when the scope is every department.
 */
export const permissions = {
  'health:read': { roles: ['manager', 'hr'], scope: 'health' },
  // Workflow payloads carry anyone's answers: only with a company-wide scope.
  'workflows:decode': { roles: ['hr'], scope: 'health', companyWide: true },
  'reviews:decide': { roles: ['manager', 'hr'], scope: 'health', person: true },
  'proxy:submit': { roles: ['manager', 'hr'], scope: 'health', person: true },
  'people:read': { roles: ['manager', 'hr', 'admin'], scope: 'people' },
  'people:write': { roles: ['hr', 'admin'], scope: 'people' },
  'org:write': { roles: ['admin'], scope: 'company' },
  'config:read': { roles: ['manager', 'hr', 'admin'], scope: 'company' },
  'config:write': { roles: ['admin'], scope: 'company' },
  'calendar:write': { roles: ['hr', 'admin'], scope: 'company' },
  // The full log (sign-ins, config changes, everyone's health reads) is for company-wide HR; HR for
  // some departments reads the rows about those departments. Administrators configure, they do
  // not read who looked at whose health.
  'audit:read': { roles: ['hr'], scope: 'hr' },
  // Employees' correction and deletion requests (PIPL): HR of the person's departments decides.
  'data-requests:decide': { roles: ['hr'], scope: 'hr' },
  // The company's privacy settings (retention per data class, location precision, departure grace).
  'privacy:write': { roles: ['admin'], scope: 'company' },
  'operations:run': { roles: ['admin'], scope: 'company' },
} as const satisfies Record<
  string,
  {
    roles: readonly Role[];
    scope: 'health' | 'people' | 'company' | 'hr';
    person?: boolean;
    companyWide?: boolean;
  }
>;

export type Permission = keyof typeof permissions;

function union(a: Scope, b: Scope): Scope {
  if (a === 'all' || b === 'all') return 'all';
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

export function scopeFor(p: Principal, permission: Permission): Scope {
  const def = permissions[permission];
  if (def.scope === 'company') return 'all';
  if (def.scope === 'people' && p.roles.includes('admin')) return 'all';
  if (def.scope === 'hr') return p.roles.includes('hr') ? p.hrScope : [];
  const manager = p.roles.includes('manager') ? p.managerScope : [];
  const hr = p.roles.includes('hr') ? p.hrScope : [];
  return union(manager, hr);
}

export const can = (p: Principal | undefined, permission: Permission): boolean => {
  const def: { roles: readonly Role[]; person?: boolean; companyWide?: boolean } = permissions[permission];
  return Boolean(
    p &&
    hasAnyRole(p, def.roles) &&
    (!def.person || p.employeeId !== null) &&
    (!def.companyWide || scopeFor(p, permission) === 'all'),
  );
};

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** the department scope of the permission the route was authorized for */
    scope?: Scope;
  }
}

/** Route guard: 401 without a principal, 403 without a role that holds the permission. */
export const authorize = (permission: Permission): RequestHandler =>
  guard({ kind: 'permission', read: permission, write: permission }, (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(unauthenticated('Sign in first'));
    if (!can(p, permission)) return next(forbidden(`Your roles do not allow ${permission}`));
    req.scope = scopeFor(p, permission);
    next();
  });

export function principalOf(req: Request): Principal {
  if (!req.principal) throw unauthenticated('Sign in first');
  return req.principal;
}

/** The signed-in person's employee id: local accounts and the operator key are not people. */
export function personOf(req: Request): number {
  const id = principalOf(req).employeeId;
  if (id === null) throw forbidden('This account is not an employee (sign in with DingTalk)');
  return id;
}

export function scopeOf(req: Request): Scope {
  if (!req.scope) throw new Error('route is missing authorize()');
  return req.scope;
}

export { inScopeOf } from '../../db/department-scope.ts';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** One guard for a resource whose reads and writes need different permissions. */
export const authorizeByMethod = (read: Permission, write: Permission): RequestHandler => {
  const r = authorize(read);
  const w = authorize(write);
  return guard({ kind: 'permission', read, write }, (req, res, next) =>
    (READ_METHODS.has(req.method) ? r : w)(req, res, next),
  );
};

/**
 * The departments a request may cover: the ones asked for, each inside the scope, or the whole
 * scope when none are named. 'all' means no department filter.
 */
export function restrictDepartments(scope: Scope, requested: readonly number[]): 'all' | number[] {
  if (scope === 'all') return requested.length ? [...requested] : 'all';
  if (requested.length === 0) {
    if (scope.length === 0) throw forbidden('No departments are in your scope');
    return [...scope];
  }
  const outside = requested.filter((d) => !scope.includes(d));
  // like every other out-of-scope id: 404, so the answer does not tell which departments exist
  if (outside.length) throw notFound(`Department(s) ${outside.join(', ')}`);
  return [...requested];
}
