// What the record routes answer (their contracts' response schemas).
import { z } from 'zod';
import {
  anomalyReason,
  answers,
  calendarDate,
  id,
  renderedAnswer,
  severity,
  timestamp,
} from '../http/response-schemas.ts';

/** A record row of /api/ra/records: the answers and reasons opened, the names joined. */
export const recordRowSchema = z.strictObject({
  id,
  employee_id: id,
  employee_name: z.string(),
  department_id: id,
  department_name: z.string(),
  work_date: calendarDate,
  submitted_at: timestamp,
  status: z.enum(['on_time', 'late']),
  severity,
  form_version: id.nullable(),
  is_current: z.boolean(),
  /** 代填: the manager who filled it in, null when the employee did */
  proxy_by_employee_id: id.nullable(),
  proxy_name: z.string().nullable(),
  answers,
  reasons: z.array(anomalyReason),
});

/** One record: the row and its answers rendered against its own form version. */
export const recordSchema = recordRowSchema.extend({ rendered: z.array(renderedAnswer) });

/** GET /api/records/:id, the older shape. */
export const recordViewSchema = z.strictObject({
  record: recordRowSchema,
  formVersion: id.nullable(),
  rendered: z.array(renderedAnswer),
});

/** A record as stored (the sealed answers and reasons opened; key and ciphertexts never sent). */
export const healthRecordSchema = z.strictObject({
  id,
  employee_id: id,
  department_id: id,
  work_date: calendarDate,
  submitted_at: timestamp,
  /** the device's clock when the answers were filled in (an offline queue sends later) */
  client_submitted_at: timestamp.nullable(),
  status: z.enum(['on_time', 'late']),
  idempotency_key: z.string(),
  request_hash: z.string().nullable(),
  created_at: timestamp,
  form_version: id.nullable(),
  severity,
  is_current: z.boolean(),
  /** the record this recheck replaced */
  recheck_of: id.nullable(),
  identity_check: z.string().nullable(),
  proxy_by_employee_id: id.nullable(),
  locations_removed_at: timestamp.nullable(),
  answers,
  reasons: z.array(anomalyReason),
});
