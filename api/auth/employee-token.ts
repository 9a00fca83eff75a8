// Short-lived employee session tokens: HMAC-signed claims, no server-side state.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface EmployeeClaims {
  sub: number;
  /** seconds since epoch */
  exp: number;
  purpose: 'employee';
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

export function signEmployeeToken(
  secret: string,
  employeeId: number,
  ttlSeconds = 2 * 3600,
  now = Date.now(),
): string {
  const claims: EmployeeClaims = {
    sub: employeeId,
    exp: Math.floor(now / 1000) + ttlSeconds,
    purpose: 'employee',
  };
  const body = b64(JSON.stringify(claims));
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function verifyEmployeeToken(secret: string, token: string, now = Date.now()): EmployeeClaims | null {
  const [body, sig] = token.split('.');
  if (!body || !sig) return null;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as EmployeeClaims;
    if (claims.purpose !== 'employee' || typeof claims.sub !== 'number') return null;
    return claims.exp * 1000 > now ? claims : null;
  } catch {
    return null;
  }
}
