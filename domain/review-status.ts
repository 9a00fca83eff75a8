// Where an anomaly review stands; shared by the table, the workflow and the notices.
export const reviewStatuses = ['pending', 'recheck_requested', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
/** What a reviewer's decision turns a review into. */
export type DecidedReviewStatus = Exclude<ReviewStatus, 'pending'>;

/**
 * What a review's history records. corrected: an approved data request changed the answers of the
 * record (with the severity they give); reassessed: an earlier day was corrected and the history
 * rules gave this record another severity.
 */
export const reviewHistoryEvents = [
  'opened',
  'notified_manager',
  'escalated',
  'decision',
  'recheck_submitted',
  'corrected',
  'reassessed',
] as const;
export type ReviewHistoryEvent = (typeof reviewHistoryEvents)[number];
