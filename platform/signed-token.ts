// Stateless HMAC-signed claims: `base64url(json).base64url(hmac)`. Every token names its purpose,
// so a token minted for one use (a session, a check-in link, a pass) is refused for any other.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  purpose: string;
  /** seconds since epoch */
  exp: number;
}

/** HMAC-SHA256 of `body` under `secret`. */
export const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest();

/** Constant-time equality of two secrets (different lengths are simply unequal). */
export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

export function signToken<C extends TokenClaims>(secret: string, claims: C): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * The claims when the signature holds, the purpose matches and it has not expired; else null.
 * `C` only names the claims the caller's own tokens carry (their signer wrote them).
 */
export function verifyToken<C extends TokenClaims = TokenClaims & Record<string, unknown>>(
  secret: string,
  token: string,
  purpose: C['purpose'],
  now = Date.now(),
): C | null {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  if (!sameBytes(Buffer.from(sig, 'base64url'), mac(secret, body))) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as C;
    if (claims.purpose !== purpose || typeof claims.exp !== 'number') return null;
    return claims.exp * 1000 > now ? claims : null;
  } catch {
    return null;
  }
}

/** Expiry (seconds since epoch) `seconds` from now. */
export const expiresIn = (seconds: number, now = Date.now()) => Math.floor(now / 1000) + seconds;

/**
 * Expiry (seconds) of a token about one work date: `until` when given, else 48 h after the date's
 * UTC midnight — at most about a day after the date ends in any time zone, and the same every time.
 */
export function workDateExpiry(workDate: string, until?: Date): number {
  const ms = until ? until.getTime() : Date.parse(`${workDate}T00:00:00Z`) + 48 * 3600_000;
  return Math.floor(ms / 1000);
}
