// Where an anomaly review stands; shared by the table, the workflow and the notices.
export const reviewStatuses = ['pending', 'recheck_requested', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
/** What a reviewer's decision turns a review into. */
export type DecidedReviewStatus = Exclude<ReviewStatus, 'pending'>;
