// What an employee may ask HR about their data (PIPL) and where such a request stands; shared by
// the table, the API's validation and the admin UI's filters and labels. Plus the rules of an
// approved correction: which corrected answers are acceptable, and what becomes of the day's review.
import type { Answers } from '../forms/conditions.ts';
import type { FormDefinition, Severity } from '../forms/form-definition.ts';
import { validateAnswers, type AnswerError } from '../forms/validate-answers.ts';
import type { ReviewStatus } from '../review-status.ts';
import { isRemovedByRetention } from './minimisation.ts';

export const dataRequestKinds = ['correction', 'deletion'] as const;
export type DataRequestKind = (typeof dataRequestKinds)[number];
export const dataRequestStatuses = ['pending', 'approved', 'rejected'] as const;
export type DataRequestStatus = (typeof dataRequestStatuses)[number];

/**
 * Why the stored answers with `corrections` applied do not fit the record's form (empty: they
 * do). An answer the correction leaves alone that retention removed (a location, a photo) is no
 * longer what the form asks for, but it is not the correction's doing: it does not block it.
 */
export function correctionErrors(form: FormDefinition, stored: Answers, corrections: Answers): AnswerError[] {
  const v = validateAnswers(form, { ...stored, ...corrections });
  if (v.ok) return [];
  return v.errors.filter((e) => e.field in corrections || !isRemovedByRetention(stored[e.field]));
}

/**
 * What an approved correction does to the review of its record, once the record's severity has
 * been assessed again from the corrected answers:
 * - `open`: the record is its day's current one, now abnormal, and has no review — it gets one,
 *   as a submission with these answers would have (every abnormal current record has a review, so
 *   the dashboard's anomalies and the reviews agree; a reviewer confirms the corrected fever).
 * - `update`: the review is still open and follows this record — it takes the new severity and
 *   notes the correction. It is not closed when the answers became normal: closing is a
 *   reviewer's decision (and the review workflow's), and the note tells them it was corrected.
 * - `note`: a decided review, or one now following a later recheck — only the note; a decision
 *   already taken stands.
 * - `none`: no review and nothing abnormal.
 */
export function reviewAfterCorrection(
  record: { isCurrent: boolean; severity: Severity },
  review: { status: ReviewStatus; followsRecord: boolean } | undefined,
): 'open' | 'update' | 'note' | 'none' {
  if (!review) return record.isCurrent && record.severity !== 'normal' ? 'open' : 'none';
  const open = review.status === 'pending' || review.status === 'recheck_requested';
  return open && review.followsRecord ? 'update' : 'note';
}
