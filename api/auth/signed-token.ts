// HMAC-signed, expiring claims with a purpose, so a token minted for one use is refused by another.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  purpose: string;
  /** seconds since epoch */
  exp: number;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

export function signToken<C extends TokenClaims>(secret: string, claims: C): string {
  const body = b64(JSON.stringify(claims));
  return `${body}.${createHmac('sha256', `${secret}:${claims.purpose}`).update(body).digest('base64url')}`;
}

export function verifyToken<C extends TokenClaims>(
  secret: string,
  token: string,
  purpose: C['purpose'],
  now = Date.now(),
): C | null {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = createHmac('sha256', `${secret}:${purpose}`).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as C;
    if (claims.purpose !== purpose || typeof claims.exp !== 'number') return null;
    return claims.exp * 1000 > now ? claims : null;
  } catch {
    return null;
  }
}

export const expiresIn = (seconds: number, now = Date.now()) => Math.floor(now / 1000) + seconds;
