// What the review routes answer (their contracts' response schemas).
import { z } from 'zod';
import { reviewHistoryEvents, reviewStatuses } from '../../domain/review-status.ts';
import {
  anomalyReason,
  calendarDate,
  id,
  localizedText,
  renderedAnswer,
  severity,
  timestamp,
} from '../http/response-schemas.ts';

const reviewerSource = z.enum(['manager', 'hr_contact', 'company_hr', 'none']);

/** One event of a review's history (the comment opened). */
export const reviewHistoryEntrySchema = z.strictObject({
  at: z.string(),
  event: z.enum(reviewHistoryEvents),
  actorId: id.optional(),
  decision: z.string().optional(),
  comment: z.string().optional(),
  recordId: id.optional(),
  severity: severity.optional(),
  to: z.array(id).optional(),
  via: reviewerSource.optional(),
});

/** A review row of /api/ra/reviews: names joined, comment, history and the record's reasons opened. */
export const reviewRowSchema = z.strictObject({
  id,
  record_id: id,
  current_record_id: id,
  employee_id: id,
  employee_name: z.string(),
  department_id: id,
  department_name: z.string(),
  work_date: calendarDate,
  severity,
  status: z.enum(reviewStatuses),
  escalated: z.boolean(),
  decider_id: id.nullable(),
  decision: z.string().nullable(),
  comment: z.string().nullable(),
  decided_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  history: z.array(reviewHistoryEntrySchema),
  reasons: z.array(anomalyReason),
});

/** The review page (getOne): the row, its readings, decider, who it waits for and whether the caller may decide. */
export const reviewPageSchema = reviewRowSchema.extend({
  decider_name: z.string().nullable(),
  readings: z.array(
    z.strictObject({
      recordId: id,
      submittedAt: timestamp,
      severity,
      current: z.boolean(),
      reasons: z.array(localizedText),
      answers: z.array(renderedAnswer),
    }),
  ),
  waiting_for: z.array(
    z.strictObject({
      source: reviewerSource,
      inherited: z.boolean(),
      department_name: z.string().nullable(),
      people: z.array(z.strictObject({ id, name: z.string() })),
    }),
  ),
  can_decide: z.boolean(),
  /** employee id → name, for the names the history and the page refer to */
  people: z.record(z.string(), z.string()),
});

/** The workflow's answer to a decision. */
export const decideResultSchema = z.strictObject({
  reviewId: id,
  status: z.enum(['recheck_requested', 'approved', 'rejected']),
  deciderId: id,
  decidedAt: timestamp,
});
