// Short-lived employee session tokens: HMAC-signed claims, no server-side state.
import { expiresIn, signToken, verifyToken } from '../../platform/signed-token.ts';

export interface EmployeeClaims {
  sub: number;
  /** seconds since epoch */
  exp: number;
  purpose: 'employee';
}

export function signEmployeeToken(
  secret: string,
  employeeId: number,
  ttlSeconds = 2 * 3600,
  now = Date.now(),
): string {
  const claims: EmployeeClaims = {
    sub: employeeId,
    exp: expiresIn(ttlSeconds, now),
    purpose: 'employee',
  };
  return signToken(secret, claims);
}

export function verifyEmployeeToken(secret: string, token: string, now = Date.now()): EmployeeClaims | null {
  const claims = verifyToken(secret, token, 'employee', now);
  return claims && typeof claims.sub === 'number' ? (claims as unknown as EmployeeClaims) : null;
}
