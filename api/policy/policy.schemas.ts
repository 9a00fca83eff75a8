// What the policy routes answer (their contracts' response schemas): the policy itself is the
// schema a change is validated with.
import { z } from 'zod';
import { checkinPolicySchema } from '../../domain/policy.ts';
import { calendarDate, id } from '../http/response-schemas.ts';

const version = z.strictObject({ effectiveFrom: calendarDate, policy: checkinPolicySchema });

/** The policy in force and the versions (newest first). */
export const policyOverviewSchema = z.strictObject({
  current: checkinPolicySchema,
  versions: z.array(version),
});
/** A saved change: from when, and what. */
export const policyChangeSchema = version;
export const departmentTimeZoneSchema = z.strictObject({ id, timeZone: z.string().nullable() });
export const workPatternSchema = z.strictObject({
  id,
  workdays: z.array(z.number().int().min(1).max(7)).nullable(),
  timeZone: z.string().nullable(),
});
