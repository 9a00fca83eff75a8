// What the reminder routes answer (their contracts' response schemas).
import { z } from 'zod';
import { calendarDate, id, timestamp } from '../http/response-schemas.ts';

/** A reminder sent (or owed): one employee, day and level, its id `<employee>-<date>-<level>`. */
export const reminderSchema = z.strictObject({
  id: z.string().meta({ description: '<employee_id>-<work_date>-<level>' }),
  employee_id: id,
  employee_name: z.string(),
  department_id: id,
  department_name: z.string(),
  work_date: calendarDate,
  level: z.number().int().min(0).max(3),
  channel: z.string(),
  status: z.enum(['claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown']),
  error: z.string().nullable(),
  sent_at: timestamp.nullable(),
  /** DingTalk's read state of a work notification, null for group posts and to-dos or until asked */
  delivery: z.enum(['read', 'unread', 'failed', 'forbidden']).nullable(),
  delivery_checked_at: timestamp.nullable(),
});
