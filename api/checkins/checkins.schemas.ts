// What GET /api/me/today answers (its contract's response schema), and what a submission answers
// (the employee's own and a manager's 代填 alike).
import { z } from 'zod';
import { formDefinitionSchema } from '../../domain/forms/form-definition.ts';
import { reviewStatuses } from '../../domain/review-status.ts';
import { calendarDate, count, id, severity, timestamp } from '../http/response-schemas.ts';
import { healthRecordSchema } from '../records/records.schemas.ts';

export const todaySchema = z.strictObject({
  workDate: calendarDate,
  timeZone: z.string(),
  employee: z.strictObject({
    id,
    name: z.string(),
    departmentId: id,
    departmentName: z.string().nullable(),
  }),
  /** the published form as this person may answer it (fields needing consent left out until given) */
  form: z.strictObject({ version: id, ...formDefinitionSchema.shape }),
  /** answers of the last record before today the page may offer again */
  prefill: z.strictObject({
    fromWorkDate: calendarDate.nullable(),
    values: z.record(z.string(), z.unknown()),
  }),
  /** what the page asks before the form: nothing, an acknowledgement or consent */
  privacy: z.strictObject({
    version: id.nullable(),
    legalBasis: z.enum(['consent', 'hr_management']).nullable(),
    needed: z.enum(['none', 'acknowledge', 'consent']),
    state: z.enum(['acknowledged', 'consented', 'withdrawn']).nullable(),
  }),
  status: z.strictObject({
    outcome: z.enum(['pending', 'submitted', 'late', 'missed', 'exempt']),
    levelReached: count,
    closesAt: timestamp,
    /** when a late answer is no longer taken (closesAt when late answers are refused) */
    lateUntil: timestamp,
  }),
  record: healthRecordSchema.nullable(),
  /** the anomaly review today's record opened */
  review: z.strictObject({ id, status: z.enum(reviewStatuses), escalated: z.boolean(), severity }).nullable(),
});

/** What a submission answers (the proxy's too). */
const submitResultSchema = z.object({
  record: z.looseObject({ id: z.number().int(), employee_id: z.number().int(), work_date: z.string() }),
  replayed: z
    .boolean()
    .meta({ description: 'true: the idempotency key was seen, this is the stored record' }),
  reviewId: z.number().int().nullable().meta({ description: 'the anomaly review the record opened' }),
});
/** The answers and refusals both submission routes declare. */
export const submitOutcomes = {
  response: { status: 201, description: 'Stored', schema: submitResultSchema },
  otherResponses: [
    {
      status: 200,
      description: 'The idempotency key replays: the stored record',
      schema: submitResultSchema,
    },
  ],
  errors: ['submission_window_closed', 'already_submitted', 'idempotency_key_reused', 'overloaded'],
} as const;
