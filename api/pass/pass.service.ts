// Today's pass: a signed token naming the employee and the day, shown as a QR code; the guard's
// page verifies it against the current record and review, so the colour is always today's truth.
import type { DB } from '../../db/connect.ts';
import { findEmployeeWithDepartmentName } from '../../db/repositories/org.ts';
import { findRecordForDay } from '../../db/repositories/records.ts';
import { findReviewOfRecord } from '../../db/repositories/reviews.ts';
import type { Severity } from '../../domain/forms/form-definition.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import { getCurrentPolicy } from '../../db/repositories/policy.ts';
import { signToken, verifyToken, workDateExpiry } from '../../platform/signed-token.ts';
import type { ReviewStatus } from '../../db/database.ts';
import type { z } from 'zod';
import type { passColourSchema, passViewSchema } from './pass.schemas.ts';

const PASS_PURPOSE = 'pass';

export type PassColour = z.infer<typeof passColourSchema>;

/** Green only for a normal day or an approved warning; red stays red whatever the review says. */
export function passColour(severity: Severity, reviewStatus: ReviewStatus | null): PassColour {
  if (severity === 'red' || reviewStatus === 'rejected') return 'red';
  if (severity === 'warning') return reviewStatus === 'approved' ? 'green' : 'amber';
  return 'green';
}

export type PassView = z.infer<typeof passViewSchema>;

async function passView(db: DB, employeeId: number, workDate: string): Promise<PassView | null> {
  const record = await findRecordForDay(db, employeeId, workDate);
  if (!record) return null;
  const who = await findEmployeeWithDepartmentName(db, employeeId);
  const review = await findReviewOfRecord(db, record.id);
  const reviewStatus = review?.status ?? null;
  return {
    name: who.name,
    departmentName: who.department_name,
    workDate,
    colour: passColour(record.severity, reviewStatus),
    severity: record.severity,
    reviewStatus,
  };
}

export async function issuePass(db: DB, secret: string, publicBaseUrl: string, employeeId: number) {
  const policy = await getCurrentPolicy(db);
  const workDate = workDateAt(new Date(), policy.timeZone);
  const view = await passView(db, employeeId, workDate);
  if (!view) return null;
  const token = signToken(secret, {
    purpose: PASS_PURPOSE,
    sub: employeeId,
    day: workDate,
    exp: workDateExpiry(workDate),
  });
  return { token, verifyUrl: `${publicBaseUrl}/pass/verify?p=${token}`, ...view };
}

/**
 * What the guard sees: who, which day, the colour. Not the severity or the review status, which
 * would tell anyone holding the QR code that an approved green day had been an anomaly.
 */
export type GuardView = Pick<PassView, 'name' | 'departmentName' | 'workDate' | 'colour'>;

export type PassCheck =
  | ({ valid: true } & GuardView)
  | ({ valid: false; reason: 'invalid' | 'no_record' | 'not_today' } & Partial<GuardView>);

export async function verifyPass(db: DB, secret: string, token: string): Promise<PassCheck> {
  const claims = verifyToken(secret, token, PASS_PURPOSE);
  if (!claims || typeof claims.sub !== 'number' || typeof claims.day !== 'string')
    return { valid: false, reason: 'invalid' };
  const policy = await getCurrentPolicy(db);
  const view = await passView(db, claims.sub, claims.day);
  if (!view) return { valid: false, reason: 'no_record' };
  const { name, departmentName, workDate, colour } = view;
  const guard: GuardView = { name, departmentName, workDate, colour };
  if (claims.day !== workDateAt(new Date(), policy.timeZone))
    return { ...guard, valid: false, reason: 'not_today' };
  return { valid: true, ...guard };
}
