// What the data request routes answer (their contracts' response schemas).
import { z } from 'zod';
import { count, id, timestamp } from '../http/response-schemas.ts';

const kind = z.enum(['correction', 'deletion']);
const status = z.enum(['pending', 'approved', 'rejected']);
/** What a decision did: `{ deleted, scope }` for a deletion, `{ correctedFields, recordId }` for a correction. */
const outcome = z.record(z.string(), z.unknown()).nullable();

/** The employee's own view of a request (ids as strings, as the check-in page has always read them). */
export const ownDataRequestSchema = z.strictObject({
  id: z.string(),
  kind,
  status,
  /** HR's reason, once decided */
  reason: z.string().optional(),
  recordId: z.string().optional(),
  createdAt: timestamp,
  decidedAt: timestamp.optional(),
});
export const ownDataRequestsSchema = z.strictObject({ items: z.array(ownDataRequestSchema) });

/** A new request: its id, pending. */
export const filedDataRequestSchema = z.strictObject({ id: z.string(), status });

/** A request as HR reads it in /api/ra/data-requests: names joined, the message opened. */
export const dataRequestSchema = z.strictObject({
  id,
  employee_id: id,
  employee_name: z.string(),
  department_id: id,
  /** null when the department is gone */
  department_name: z.string().nullable(),
  kind,
  record_id: id.nullable(),
  message: z.string(),
  status,
  escalated: z.boolean(),
  reminders: count,
  /** the decider's actor (`employee:12`, `account:hr`) */
  decided_by: z.string().nullable(),
  reason: z.string().nullable(),
  decided_at: timestamp.nullable(),
  outcome,
  created_at: timestamp,
});

/** The workflow's answer to a decision (`id` repeats `requestId` for react-admin). */
export const dataRequestDecidedSchema = z.strictObject({
  id,
  requestId: id,
  status: z.enum(['approved', 'rejected']),
  decidedAt: timestamp,
  outcome,
});
