// What the audit log routes answer (their contracts' response schemas).
import { z } from 'zod';
import { id, timestamp } from '../http/response-schemas.ts';

/** One audit entry (a sealed reason in `detail` opened). */
export const auditEntrySchema = z.strictObject({
  id,
  at: timestamp,
  /** employee:12, account:admin, operator, system, … */
  actor: z.string(),
  actor_roles: z.array(z.string()),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  /** the HTTP status answered, when the entry is a request's */
  status: z.number().int().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  /** the department the action was about, for department HR's view */
  department_id: id.nullable(),
});
