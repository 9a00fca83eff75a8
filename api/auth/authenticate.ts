// Works out who is calling, once per request: the admin UI's session cookie (with CSRF on every
// state change), an employee Bearer token (check-in page), or the operator key (scripts).
import type { RequestHandler } from 'express';
import type { DB } from '../../db/connect.ts';
import { AppError, unauthenticated } from '../http/errors.ts';
import { isSessionRevoked } from '../../db/repositories/revoked-sessions.ts';
import { sameBytes } from '../../platform/signed-token.ts';
import { verifyEmployeeToken } from './employee-token.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import type { Employee } from '../../db/database.ts';
import {
  accountPrincipal,
  employeePrincipal,
  employeeTokenPrincipal,
  operatorPrincipal,
  type Principal,
} from './principal.ts';
import { csrfValid, readSession, renewIfHalfSpent, type SessionOptions } from './staff-session.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** the employee row an employee Bearer token named, as authenticate read it for this request */
    tokenEmployee?: Employee;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthenticateDeps {
  db: DB;
  session: SessionOptions;
  /** the operator key; undefined disables it */
  operatorKey: string | undefined;
  /**
   * false only for a read-only POST that a foreign page cannot read the answer of (the Temporal
   * UI's payload codec: CORS limited to the Temporal UI, the cookie SameSite=Strict)
   */
  csrf?: boolean;
}

export function authenticate(deps: AuthenticateDeps): RequestHandler {
  async function resolve(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) {
    const operator = req.header('x-admin-token');
    if (operator !== undefined) {
      if (!deps.operatorKey || !sameBytes(Buffer.from(operator), Buffer.from(deps.operatorKey)))
        throw unauthenticated('Invalid operator key');
      return operatorPrincipal;
    }
    const bearer = req.header('authorization');
    if (bearer !== undefined) {
      const claims = bearer.startsWith('Bearer ')
        ? verifyEmployeeToken(deps.session.secret, bearer.slice(7))
        : null;
      if (!claims) throw unauthenticated('Missing or expired employee session');
      // the whole row, read once: the employee routes use it instead of reading it again
      const employee = await findEmployeeById(deps.db, claims.sub);
      if (!employee?.active) throw unauthenticated('Employee is no longer active');
      req.tokenEmployee = employee;
      return employeeTokenPrincipal(employee);
    }
    const session = readSession(req, deps.session);
    if (!session) return undefined;
    if (await isSessionRevoked(deps.db, session.sid)) throw unauthenticated('This session was signed out');
    if (deps.csrf !== false && !SAFE_METHODS.has(req.method) && !csrfValid(req, deps.session, session))
      throw new AppError('csrf_failed', 403, 'Missing or wrong CSRF token');
    const [kind, id] = session.sub.split(':');
    let p: Principal | null = null;
    if (kind === 'employee') p = await employeePrincipal(deps.db, Number(id), 'session');
    else if (kind === 'account') p = await accountPrincipal(deps.db, Number(id));
    if (!p) throw unauthenticated('This account no longer exists or is inactive');
    renewIfHalfSpent(res, deps.session, session);
    return p;
  }
  return (req, res, next) => {
    resolve(req, res).then((p) => {
      req.principal = p;
      next();
    }, next);
  };
}
