// Admin UI sign-in: local account (scrypt), DingTalk scan-to-log-in, DingTalk workbench 免登;
// sign-out; who am I (roles and what the UI may show).
import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { serialize } from 'cookie';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { findLocalAccount, recordSignInAttempt, unlockLocalAccount } from '../../db/repositories/access.ts';
import { findEmployeeByDingtalkUserId } from '../../db/repositories/org.ts';
import { DingTalkError } from '../../dingtalk/errors.ts';
import type { DingTalkApi } from '../../dingtalk/types.ts';
import { verifyPassword } from '../../security/passwords.ts';
import { noteAudit } from '../audit/audit-trail.ts';
import { AppError, notFound, unauthenticated } from '../http/errors.ts';
import { endpoint } from '../http/contract.ts';
import { limiter } from '../http/security.ts';
import { authorize, can, permissions, scopeFor, type Permission } from './permissions.ts';
import { accountPrincipal, employeePrincipal, hasAnyRole, type Principal } from './principal.ts';
import { expiresIn, signToken, verifyToken } from '../../platform/signed-token.ts';
import { revokeSession } from '../../db/repositories/revoked-sessions.ts';
import {
  clearSession,
  issueSession,
  readCookies,
  readSession,
  sessionEnd,
  type SessionOptions,
} from './staff-session.ts';

export interface StaffAuthDeps {
  db: DB;
  dingtalk: DingTalkApi;
  session: SessionOptions;
  publicBaseUrl: string;
  dingtalkLoginUrl: string;
  dingtalkAppKey: string;
  rateLimits: { signinPerIp: number; signinPerAccount: number };
  /** refuses an IP after too many refused sign-ins (shared with the employee exchanges) */
  authFailures: RequestHandler;
}

const loginSchema = z
  .object({ username: z.string().min(1).max(80), password: z.string().min(1).max(200) })
  .strict();
const codeSchema = z.object({ authCode: z.string().min(1).max(256) }).strict();

/** What sign-in and GET /api/auth/me answer (identityOf). */
export const identitySchema = z.object({
  id: z.string().meta({ description: 'the actor id: employee:12, account:admin, operator' }),
  fullName: z.string(),
  roles: z.array(z.enum(['employee', 'manager', 'hr', 'admin'])),
  permissions: z.array(z.string()),
  healthScope: z.union([z.literal('all'), z.array(z.number().int())]),
});

const STATE_COOKIE = 'hc_login_state';
const STAFF_ROLES = ['manager', 'hr', 'admin'] as const;

/** What the admin UI needs to decide what to show; the API enforces the same table. */
export function identityOf(p: Principal) {
  return {
    id: p.actor,
    fullName: p.name,
    roles: p.roles,
    permissions: (Object.keys(permissions) as Permission[]).filter((perm) => can(p, perm)),
    healthScope: scopeFor(p, 'health:read'),
  };
}

function requireStaff(p: Principal | null): Principal {
  if (!p) throw new AppError('forbidden', 403, 'You are not an active member of this company');
  if (!hasAnyRole(p, STAFF_ROLES))
    throw new AppError('forbidden', 403, 'Only managers, HR and administrators use the admin console');
  return p;
}

function dingtalkFailure(err: unknown): AppError {
  if (err instanceof DingTalkError && !err.retryable)
    return unauthenticated('DingTalk sign-in code is invalid or expired');
  return new AppError('unavailable', 503, 'DingTalk is unavailable, try again', undefined, { cause: err });
}

export function staffAuthRoutes(deps: StaffAuthDeps): Router {
  const r = Router();
  const perIp = [limiter({ name: 'signin-ip', perMinute: deps.rateLimits.signinPerIp }), deps.authFailures];
  const perAccount = limiter({
    name: 'signin-account',
    perMinute: deps.rateLimits.signinPerAccount,
    key: (req) => {
      const u = (req.body as { username?: unknown } | undefined)?.username;
      return typeof u === 'string' ? `u:${u.toLowerCase()}` : undefined;
    },
  });

  const signIn = (req: Request, res: Response, sub: string, p: Principal) => {
    req.principal = p;
    issueSession(res, deps.session, sub);
    res.json(identityOf(p));
  };

  r.post(
    '/login',
    perIp,
    perAccount,
    // noted before the body is checked, so a refused sign-in is audited too
    (req: Request, _res: Response, next: NextFunction) => {
      noteAudit(req, { action: 'auth.signin', targetType: 'local_account' });
      next();
    },
    endpoint(
      {
        summary: 'Sign in to the admin console with a local account',
        body: loginSchema,
        response: {
          description: 'The identity, roles and permissions; sets the session and CSRF cookies',
          schema: identitySchema,
          headers: { 'Set-Cookie': 'hc_session (httpOnly) and hc_csrf' },
        },
      },
      async (req, res, { body: { username, password } }) => {
        noteAudit(req, { actor: `account:${username}`, targetId: username, detail: { method: 'password' } });
        const account = await findLocalAccount(deps.db, username);
        // Hash even for unknown names so timing does not reveal which accounts exist.
        const ok = await verifyPassword(password, account?.password_hash ?? 'scrypt$16384$8$1$AAAA$AAAA');
        const locked = (account?.locked_until?.getTime() ?? 0) > Date.now();
        if (!account || locked || !ok) {
          // attempts while locked are not counted, so they cannot extend the lock
          if (account && !locked) await recordSignInAttempt(deps.db, account.id, false);
          if (locked) noteAudit(req, { detail: { method: 'password', locked: true } });
          throw unauthenticated('Wrong username or password, or the account is locked for a while');
        }
        await recordSignInAttempt(deps.db, account.id, true);
        const p = await accountPrincipal(deps.db, account.id);
        signIn(req, res, `account:${account.id}`, requireStaff(p));
      },
    ),
  );

  r.post(
    '/logout',
    endpoint(
      {
        summary: 'Sign out: the session is revoked and its cookies cleared',
        response: { status: 204, description: 'Signed out', contentType: null },
      },
      async (req, res) => {
        noteAudit(req, { action: 'auth.signout' });
        // authenticate already refused a revoked, forged or expired cookie (and a missing CSRF token)
        const session = readSession(req, deps.session);
        if (session)
          await revokeSession(deps.db, session.sid, new Date(sessionEnd(deps.session, session) * 1000));
        clearSession(res, deps.session);
        res.status(204).end();
      },
    ),
  );

  // Recovery without a shell: another administrator (or one signed in with DingTalk) lifts the lock.
  r.post(
    '/accounts/:username/unlock',
    authorize('operations:run'),
    endpoint(
      {
        summary: 'Unlock a local account locked after failed sign-ins',
        params: z.object({ username: z.string().min(1).max(80) }),
        response: { status: 204, description: 'Unlocked', contentType: null },
      },
      async (req, res, { params: { username } }) => {
        noteAudit(req, { action: 'auth.unlock', targetType: 'local_account', targetId: username });
        if (!(await unlockLocalAccount(deps.db, username))) throw notFound('Local account');
        res.status(204).end();
      },
    ),
  );

  r.get(
    '/me',
    endpoint(
      {
        summary: 'Who is signed in: identity, roles, permissions and health scope',
        access: 'signed-in',
        response: {
          description: 'The identity the admin UI decides what to show by',
          schema: identitySchema,
        },
      },
      (req, res) => {
        if (!req.principal) throw unauthenticated('Not signed in');
        res.json(identityOf(req.principal));
      },
    ),
  );

  // DingTalk workbench (inside the DingTalk client): the page's JSAPI auth code.
  r.post(
    '/dingtalk/session',
    perIp,
    (req: Request, _res: Response, next: NextFunction) => {
      noteAudit(req, { action: 'auth.signin', targetType: 'dingtalk', detail: { method: 'dingtalk-jsapi' } });
      next();
    },
    endpoint(
      {
        summary: 'Sign in to the admin console inside DingTalk (JSAPI auth code)',
        body: codeSchema,
        response: {
          description: 'The identity, roles and permissions; sets the session and CSRF cookies',
          schema: identitySchema,
          headers: { 'Set-Cookie': 'hc_session (httpOnly) and hc_csrf' },
        },
      },
      async (req, res, { body: { authCode } }) => {
        const userid = await deps.dingtalk.getUserInfoByCode(authCode).then(
          (u) => u.userid,
          (err: unknown) => {
            throw dingtalkFailure(err);
          },
        );
        noteAudit(req, { actor: `dingtalk:${userid}`, targetId: userid });
        const employee = await findEmployeeByDingtalkUserId(deps.db, userid);
        const p = employee ? await employeePrincipal(deps.db, employee.id, 'session') : null;
        signIn(req, res, `employee:${employee?.id ?? 0}`, requireStaff(p));
      },
    ),
  );

  // Scan-to-log-in: redirect to DingTalk's login page with a state bound to this browser.
  r.get(
    '/dingtalk/qr',
    endpoint(
      {
        summary: "Start the DingTalk QR sign-in: redirects to DingTalk's login page",
        response: { status: 302, description: "Redirect to DingTalk's OAuth page", contentType: null },
      },
      (_req, res) => {
        const nonce = randomBytes(16).toString('base64url');
        const state = signToken(deps.session.secret, { purpose: 'login-state', nonce, exp: expiresIn(600) });
        // Lax: the cookie must come back on DingTalk's top-level redirect to our callback.
        res.append(
          'Set-Cookie',
          serialize(STATE_COOKIE, nonce, {
            path: '/api/auth/dingtalk',
            httpOnly: true,
            sameSite: 'lax',
            secure: deps.session.secure,
            maxAge: 600,
          }),
        );
        const q = new URLSearchParams({
          redirect_uri: `${deps.publicBaseUrl}/api/auth/dingtalk/callback`,
          response_type: 'code',
          client_id: deps.dingtalkAppKey,
          scope: 'openid',
          state,
          prompt: 'consent',
        });
        res.redirect(`${deps.dingtalkLoginUrl}/oauth2/auth?${q.toString()}`);
      },
    ),
  );

  r.get(
    '/dingtalk/callback',
    perIp,
    (req: Request, _res: Response, next: NextFunction) => {
      noteAudit(req, { action: 'auth.signin', targetType: 'dingtalk', detail: { method: 'dingtalk-qr' } });
      next();
    },
    endpoint(
      {
        summary: "DingTalk's redirect back after the QR sign-in",
        query: z.object({ authCode: z.string().min(1).max(256), state: z.string().max(1000) }),
        response: {
          status: 302,
          description: 'Signed in: sets the session cookies and redirects to the admin console',
          contentType: null,
        },
      },
      async (req, res, { query: q }) => {
        const claims = verifyToken<{ purpose: 'login-state'; nonce: string; exp: number }>(
          deps.session.secret,
          q.state,
          'login-state',
        );
        if (!claims || claims.nonce !== readCookies(req)[STATE_COOKIE])
          throw unauthenticated('Sign-in state is missing or expired; start again');
        const userid = await deps.dingtalk.getUserIdByLoginCode(q.authCode).catch((err: unknown) => {
          throw dingtalkFailure(err);
        });
        noteAudit(req, { actor: `dingtalk:${userid}`, targetId: userid });
        const employee = await findEmployeeByDingtalkUserId(deps.db, userid);
        const p = requireStaff(employee ? await employeePrincipal(deps.db, employee.id, 'session') : null);
        req.principal = p;
        issueSession(res, deps.session, `employee:${employee?.id ?? 0}`);
        res.append('Set-Cookie', serialize(STATE_COOKIE, '', { path: '/api/auth/dingtalk', maxAge: 0 }));
        res.redirect('/admin/#/');
      },
    ),
  );
  return r;
}
