// Where an anomaly review stands; shared by the table, the workflow and the notices.
export type ReviewStatus = 'pending' | 'recheck_requested' | 'approved' | 'rejected';
/** What a reviewer's decision turns a review into. */
export type DecidedReviewStatus = Exclude<ReviewStatus, 'pending'>;
