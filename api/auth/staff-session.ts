// Admin UI sessions: a short-lived signed token in an httpOnly SameSite=Strict cookie, renewed
// while in use up to an absolute lifetime, plus a CSRF token (double submit, bound to the session
// id) for state changes. Sign-out revokes the session id server-side (revoked_sessions).
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
  /** idle lifetime: renewed while in use */
  ttlSeconds: number;
  /** absolute lifetime from sign-in, whatever the renewals */
  maxSeconds: number;
  /** Secure cookies when served over HTTPS */
  secure: boolean;
}

const csrfFor = (secret: string, sid: string) => mac(`${secret}:csrf`, sid).toString('base64url');

export function readCookies(req: Request): Record<string, string | undefined> {
  return parseCookies(req.header('cookie') ?? '');
}

/** The end of the session's absolute lifetime (seconds since epoch). */
export const sessionEnd = (opts: SessionOptions, claims: Pick<SessionClaims, 'auth'>) =>
  claims.auth + opts.maxSeconds;

/** The cookie's claims when signed, unexpired and within the absolute lifetime (not revocation: see authenticate). */
export function readSession(req: Request, opts: SessionOptions): SessionClaims | null {
  const token = readCookies(req)[SESSION_COOKIE];
  const claims = token ? verifyToken<SessionClaims>(opts.secret, token, 'staff-session') : null;
  if (!claims || typeof claims.auth !== 'number' || typeof claims.sid !== 'string') return null;
  return sessionEnd(opts, claims) > Date.now() / 1000 ? claims : null;
}

export function issueSession(
  res: Response,
  opts: SessionOptions,
  sub: string,
  previous?: SessionClaims,
): SessionClaims {
  const now = Date.now();
  const auth = previous?.auth ?? Math.floor(now / 1000);
  const claims: SessionClaims = {
    purpose: 'staff-session',
    sub,
    sid: previous?.sid ?? randomBytes(16).toString('base64url'),
    auth,
    // a renewal never carries the session past its absolute end
    exp: Math.min(expiresIn(opts.ttlSeconds, now), sessionEnd(opts, { auth })),
  };
  const maxAge = Math.max(0, claims.exp - Math.floor(now / 1000));
  const base = { path: '/', secure: opts.secure, sameSite: 'strict' as const, maxAge };
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
  const halfSpent = claims.exp - Date.now() / 1000 < opts.ttlSeconds / 2;
  if (halfSpent && claims.exp < sessionEnd(opts, claims)) issueSession(res, opts, claims.sub, claims);
}

export function clearSession(res: Response, opts: SessionOptions): void {
  const base = { path: '/', secure: opts.secure, sameSite: 'strict' as const, maxAge: 0 };
  res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { ...base, httpOnly: true }));
  res.append('Set-Cookie', serialize(CSRF_COOKIE, '', base));
}

export function csrfValid(req: Request, opts: SessionOptions, claims: SessionClaims): boolean {
  return sameBytes(Buffer.from(req.header(CSRF_HEADER) ?? ''), Buffer.from(csrfFor(opts.secret, claims.sid)));
}
