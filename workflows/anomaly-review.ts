// Review of an abnormal record: the nearest manager up the department tree decides (a Temporal
// Update); without a decision in time HR is brought in; a requested recheck waits for the employee's new record.
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import {
  DECIDE_CONFLICT,
  DECIDE_FORBIDDEN,
  decideUpdate,
  recheckSignal,
  reviewStatusQuery,
  severityChangedSignal,
  type DecideInput,
  type DecideResult,
  type ReviewState,
} from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { loadReview, recordDecision } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { notifyReviewer, escalateReview, notifyEmployeeOfReview } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export interface AnomalyReviewInput {
  reviewId: number;
}

export async function anomalyReview(input: AnomalyReviewInput): Promise<ReviewState> {
  const r = await loadReview({ reviewId: input.reviewId });
  const state: ReviewState = {
    reviewId: r.reviewId,
    status: r.status,
    escalated: r.escalated,
    severity: r.severity,
    currentRecordId: r.currentRecordId,
    deadline: null,
  };
  let deciding = false;
  let generation = 0;
  // Decisions recorded vs. employee notices sent: the notice goes out from the main loop so the
  // Update answers its caller as soon as the decision is stored.
  let decisions = 0;
  let notices = 0;
  const final = () => state.status === 'approved' || state.status === 'rejected';

  setHandler(reviewStatusQuery, () => state);
  setHandler(recheckSignal, (s) => {
    state.currentRecordId = s.recordId;
    state.severity = s.severity;
    if (!final()) state.status = 'pending';
    generation++;
  });
  // The escalation deadline runs again, from now, with the new severity's time.
  setHandler(severityChangedSignal, ({ severity }) => {
    if (final() || severity === state.severity) return;
    state.severity = severity;
    generation++;
  });
  setHandler(
    decideUpdate,
    async (d: DecideInput): Promise<DecideResult> => {
      deciding = true;
      try {
        const result = await recordDecision({ reviewId: state.reviewId, escalated: state.escalated, ...d });
        state.status = result.status;
        decisions++;
        return result;
      } finally {
        deciding = false;
      }
    },
    {
      validator: (d: DecideInput) => {
        if (final() || deciding) {
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'This review has already been decided',
          });
        }
        if (d.decision === 'request_recheck' && state.status === 'recheck_requested') {
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'A recheck is already requested',
          });
        }
        // Who may decide follows the department tree (domain/reviewer-routing.ts), which a
        // validator cannot read: the API checks it first and recordDecision has the last word.
        if (d.deciderId === r.employeeId) {
          throw ApplicationFailure.create({
            type: DECIDE_FORBIDDEN,
            message: 'Nobody decides their own review',
          });
        }
      },
    },
  );

  if (!r.notified) await notifyReviewer({ reviewId: state.reviewId, to: 'manager' });

  const woken = (gen: number) => () => final() || generation !== gen || decisions > notices;
  for (;;) {
    if (decisions > notices) {
      notices = decisions;
      await notifyEmployeeOfReview({ reviewId: state.reviewId });
    }
    if (final()) break;
    const gen = generation;
    if (state.status === 'recheck_requested' || state.escalated) {
      // Waiting for the employee's new record, or for HR: no further deadline.
      state.deadline = null;
      await condition(woken(gen));
      continue;
    }
    const timeoutMs = state.severity === 'red' ? r.redTimeoutMs : r.warningTimeoutMs;
    state.deadline = new Date(Date.now() + timeoutMs).toISOString();
    const acted = await condition(woken(gen), timeoutMs);
    if (!acted && !deciding) {
      state.escalated = true;
      await escalateReview({ reviewId: state.reviewId });
    }
  }
  state.deadline = null;
  await condition(() => !deciding);
  return state;
}
