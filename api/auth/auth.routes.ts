// 免登: the page's DingTalk auth code is exchanged for the employee and a session token.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { DingTalkError } from '../../dingtalk/errors.ts';
import type { DingTalkApi } from '../../dingtalk/types.ts';
import type { DB } from '../../db/connect.ts';
import { findEmployeeByDingtalkUserId, findEmployeeById } from '../../db/repositories/org.ts';
import { endpoint, guard } from '../http/contract.ts';
import { AppError, unauthenticated } from '../http/errors.ts';
import { limiter, MinuteCounter } from '../http/security.ts';
import { verifyLinkToken } from '../../platform/link-token.ts';
import { signEmployeeToken } from './employee-token.ts';
import { personOf } from './permissions.ts';

const exchangeSchema = z.object({ authCode: z.string().min(1).max(256) }).strict();
const linkSchema = z.object({ token: z.string().min(1).max(2048) }).strict();

const employeeTokenSchema = z.object({
  token: z.string().meta({ description: 'send as Authorization: Bearer <token>' }),
  employee: z.object({ id: z.number().int(), name: z.string(), departmentId: z.number().int() }),
});

/** An employee token lives this long at most (and never past the link it came from). */
const EMPLOYEE_TOKEN_SECONDS = 2 * 3600;

export function authRoutes(deps: {
  db: DB;
  dingtalk: DingTalkApi;
  sessionSecret: string;
  /** every exchange per minute and IP: a flood guard, sized for a whole office behind one address */
  exchangesPerIp: number;
  /** tokens issued per employee and minute */
  exchangesPerEmployee: number;
  /** refuses an IP after too many refused codes/links (shared with the staff sign-in) */
  authFailures: RequestHandler;
}): Router {
  const r = Router();
  const perIp = [
    limiter({ name: 'employee-exchange-ip', perMinute: deps.exchangesPerIp }),
    deps.authFailures,
  ];
  const perEmployee = new MinuteCounter(deps.exchangesPerEmployee);
  /** An active employee (403 otherwise) who had fewer than exchangesPerEmployee tokens this minute. */
  const mayHaveToken = <E extends { id: number; active: boolean }>(employee: E | undefined): E => {
    if (!employee?.active)
      throw new AppError('forbidden', 403, 'You are not an active employee of this company');
    perEmployee.take(String(employee.id));
    return employee;
  };
  r.post(
    '/dingtalk',
    perIp,
    endpoint(
      {
        summary: "免登: exchange the check-in page's DingTalk auth code for an employee token",
        body: exchangeSchema,
        response: {
          description: 'An employee token (Bearer, 2 h) and who it is for',
          schema: employeeTokenSchema,
        },
      },
      async (_req, res, { body: { authCode } }) => {
        let userid: string;
        try {
          userid = (await deps.dingtalk.getUserInfoByCode(authCode)).userid;
        } catch (err) {
          if (err instanceof DingTalkError && !err.retryable)
            throw unauthenticated('DingTalk auth code is invalid or expired');
          throw new AppError('unavailable', 503, 'DingTalk is unavailable, try again', undefined, {
            cause: err,
          });
        }
        const employee = mayHaveToken(await findEmployeeByDingtalkUserId(deps.db, userid));
        res.json({
          token: signEmployeeToken(deps.sessionSecret, employee.id, EMPLOYEE_TOKEN_SECONDS),
          employee: { id: employee.id, name: employee.name, departmentId: employee.department_id },
        });
      },
    ),
  );
  // The signed link from a per-person message (outside DingTalk): exchanged, never used as a session.
  // It may be exchanged again (a second device, an expired session) until it expires, since the link
  // itself is the day's identity proof anyway; what the token reaches is only this employee's own
  // check-in (see employeePrincipal), and it never outlives the link.
  r.post(
    '/link',
    perIp,
    endpoint(
      {
        summary: "Exchange a per-person check-in link's token for an employee token",
        body: linkSchema,
        response: {
          description: 'An employee token (never outliving the link), the work date and the employee',
          schema: employeeTokenSchema.extend({ workDate: z.string() }),
        },
      },
      async (_req, res, { body: { token } }) => {
        const claims = verifyLinkToken(deps.sessionSecret, token);
        if (!claims) throw unauthenticated('The check-in link is invalid or has expired');
        const employee = mayHaveToken(await findEmployeeById(deps.db, claims.sub));
        const ttl = Math.min(EMPLOYEE_TOKEN_SECONDS, claims.exp - Math.floor(Date.now() / 1000));
        res.json({
          token: signEmployeeToken(deps.sessionSecret, employee.id, ttl),
          workDate: claims.day,
          employee: { id: employee.id, name: employee.name, departmentId: employee.department_id },
        });
      },
    ),
  );
  return r;
}

declare module 'express-serve-static-core' {
  interface Request {
    employeeId?: number;
  }
}

/** The employee endpoints: whoever `authenticate` found, as long as they are an employee. */
export function requireEmployee(): RequestHandler {
  return guard({ kind: 'employee' }, (req, _res, next) => {
    if (!req.principal) return next(unauthenticated('Missing or expired employee session'));
    try {
      req.employeeId = personOf(req);
      next();
    } catch (err) {
      next(err);
    }
  });
}
