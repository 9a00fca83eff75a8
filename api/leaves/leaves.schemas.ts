// What the leave routes answer (their contracts' response schemas).
import { z } from 'zod';
import { calendarDate, id, timestamp } from '../http/response-schemas.ts';

/** A leave as stored (what create and delete answer). */
export const leaveSchema = z.strictObject({
  id,
  employee_id: id,
  kind: z.enum(['leave', 'business_trip']),
  from_date: calendarDate,
  to_date: calendarDate,
  note: z.string().nullable(),
  /** who recorded it: hr, or the system that synced it */
  source: z.string(),
  created_at: timestamp,
});

/** A leave row of /api/ra/leaves: the employee's name and department joined. */
export const leaveRowSchema = leaveSchema.extend({
  employee_name: z.string(),
  department_id: id,
  department_name: z.string(),
});

/** A new leave, and whether it stopped today's running check-in day. */
export const createdLeaveSchema = leaveSchema.extend({ stoppedToday: z.boolean() });
