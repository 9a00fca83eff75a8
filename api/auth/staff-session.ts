// Admin UI sessions: a short-lived signed token in an httpOnly SameSite=Strict cookie, renewed
// while in use, plus a CSRF token (double submit, bound to the session id) for state changes.
import { randomBytes } from 'node:crypto';
import { parse as parseCookies, serialize } from 'cookie';
import type { Request, Response } from 'express';
import {
  expiresIn,
  mac,
  sameBytes,
  signToken,
  verifyToken,
  type TokenClaims,
} from '../../platform/signed-token.ts';

export const SESSION_COOKIE = 'hc_session';
export const CSRF_COOKIE = 'hc_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionClaims extends TokenClaims {
  purpose: 'staff-session';
  /** employee:<id> or account:<id> */
  sub: string;
  sid: string;
  /** seconds since epoch, when the person signed in (renewals keep it) */
  auth: number;
}

export interface SessionOptions {
  secret: string;
  ttlSeconds: number;
  /** Secure cookies when served over HTTPS */
  secure: boolean;
}

const csrfFor = (secret: string, sid: string) => mac(`${secret}:csrf`, sid).toString('base64url');

export function readCookies(req: Request): Record<string, string | undefined> {
  return parseCookies(req.header('cookie') ?? '');
}

export function readSession(req: Request, opts: SessionOptions): SessionClaims | null {
  const token = readCookies(req)[SESSION_COOKIE];
  return token ? verifyToken<SessionClaims>(opts.secret, token, 'staff-session') : null;
}

export function issueSession(
  res: Response,
  opts: SessionOptions,
  sub: string,
  previous?: SessionClaims,
): SessionClaims {
  const now = Date.now();
  const claims: SessionClaims = {
    purpose: 'staff-session',
    sub,
    sid: previous?.sid ?? randomBytes(16).toString('base64url'),
    auth: previous?.auth ?? Math.floor(now / 1000),
    exp: expiresIn(opts.ttlSeconds, now),
  };
  const base = { path: '/', secure: opts.secure, sameSite: 'strict' as const, maxAge: opts.ttlSeconds };
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, signToken(opts.secret, claims), { ...base, httpOnly: true }),
  );
  // readable by the admin UI's JavaScript, which echoes it in the x-csrf-token header
  res.append(
    'Set-Cookie',
    serialize(CSRF_COOKIE, csrfFor(opts.secret, claims.sid), { ...base, httpOnly: false }),
  );
  return claims;
}

/** Renew when less than half the lifetime is left, so an active user stays signed in. */
export function renewIfHalfSpent(res: Response, opts: SessionOptions, claims: SessionClaims): void {
  if (claims.exp - Date.now() / 1000 < opts.ttlSeconds / 2) issueSession(res, opts, claims.sub, claims);
}

export function clearSession(res: Response, opts: SessionOptions): void {
  const base = { path: '/', secure: opts.secure, sameSite: 'strict' as const, maxAge: 0 };
  res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { ...base, httpOnly: true }));
  res.append('Set-Cookie', serialize(CSRF_COOKIE, '', base));
}

export function csrfValid(req: Request, opts: SessionOptions, claims: SessionClaims): boolean {
  return sameBytes(Buffer.from(req.header(CSRF_HEADER) ?? ''), Buffer.from(csrfFor(opts.secret, claims.sid)));
}
