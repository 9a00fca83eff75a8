// The check-in link an employee gets in a per-person message: opens the page outside DingTalk (no
// 免登 there) for one employee and one work day. It is only ever exchanged for a session token and
// never accepted as one. Deterministic for a given day, so a resent message has identical content
// (DingTalk drops the repeat).
import { signToken, verifyToken, workDateExpiry } from './signed-token.ts';

export const LINK_PURPOSE = 'checkin-link';

export interface LinkClaims {
  purpose: typeof LINK_PURPOSE;
  sub: number;
  /** the work date the link was issued for */
  day: string;
  exp: number;
}

export function signLinkToken(secret: string, employeeId: number, workDate: string, lateUntil?: Date) {
  const claims: LinkClaims = {
    purpose: LINK_PURPOSE,
    sub: employeeId,
    day: workDate,
    // until the end of that day's late window when the day is planned
    exp: workDateExpiry(workDate, lateUntil),
  };
  return signToken(secret, claims);
}

export function verifyLinkToken(secret: string, token: string, now = Date.now()): LinkClaims | null {
  const c = verifyToken(secret, token, LINK_PURPOSE, now);
  return c && typeof c.sub === 'number' && typeof c.day === 'string' ? (c as unknown as LinkClaims) : null;
}
