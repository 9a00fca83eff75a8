// Activities of the review workflow: load, notify, escalate, record the decision (idempotently).
import { ApplicationFailure } from '@temporalio/common';
import {
  findReviewContext,
  lockReview,
  markReviewEscalated,
  updateReview,
} from '../db/repositories/reviews.ts';
import type { DB } from '../db/connect.ts';
import { keyringOf, openComment, openReasons } from '../db/sealed-fields.ts';
import {
  DECIDE_CONFLICT,
  DECIDE_FORBIDDEN,
  type DecideInput,
  type DecideResult,
} from '../workflows/messages.ts';
import { findDay } from '../db/repositories/checkin-days.ts';
import { loadRouting, reviewersFor } from '../db/repositories/reviewer-routing.ts';
import { mayDecide } from '../domain/reviewer-routing.ts';
import { personalCheckinLink } from './reminders/messages.ts';
import {
  employeeOutcomeCard,
  reviewLink,
  reviewerCard,
  reviewerTodo,
  type ReviewSubject,
} from './review-messages.ts';
import { toRetryableFailure } from './dingtalk-failure.ts';
import type { ActivityDeps } from './deps.ts';

async function reviewContext(db: DB, reviewId: number) {
  const r = await findReviewContext(db, reviewId);
  if (!r) throw ApplicationFailure.nonRetryable(`review ${reviewId} not found`);
  // A ciphertext that does not open stays an error (retried, visible in Temporal), never a blank card.
  const subject: ReviewSubject = {
    reviewId: r.id,
    workDate: r.work_date,
    employeeName: r.employee_name,
    departmentName: r.department_name,
    severity: r.severity,
    reasons: openReasons(r.reasons_ct, keyringOf(db)).map((x) => x.text.zh),
  };
  return { r: { ...r, comment: openComment(r.comment_ct, keyringOf(db)) }, subject };
}

export function createReviewActivities({ db, dingtalk, config, logger }: ActivityDeps) {
  const base = config.api.publicBaseUrl;

  /**
   * Tells the reviewers of a stage, found up the department tree (domain/reviewer-routing.ts);
   * the history names who was told, or that nobody anywhere could be.
   */
  async function notify(reviewId: number, to: 'manager' | 'hr') {
    const { r, subject } = await reviewContext(db, reviewId);
    const reviewers = await reviewersFor(db, r.department_id, to, r.employee_id);
    const event = to === 'manager' ? 'notified_manager' : 'escalated';
    const entry = { at: '', event, to: reviewers.employeeIds, via: reviewers.source } as const;
    if (reviewers.people.length === 0) {
      logger.warn(
        { reviewId, to, departmentId: r.department_id },
        'no reviewer anywhere up the department tree',
      );
      await updateReview(db, reviewId, { ...entry, at: new Date().toISOString() });
      return { notified: false };
    }
    const link = reviewLink(base, reviewId);
    try {
      await dingtalk.sendWorkNotification(
        reviewers.people.map((p) => p.dingtalk_user_id),
        reviewerCard(subject, to, link),
      );
      for (const p of reviewers.people) {
        if (p.dingtalk_union_id)
          await dingtalk.createTodo(
            p.dingtalk_union_id,
            reviewerTodo(subject, to, p.dingtalk_union_id, link),
          );
      }
    } catch (err) {
      throw toRetryableFailure(err);
    }
    await updateReview(db, reviewId, { ...entry, at: new Date().toISOString() });
    return { notified: true };
  }

  return {
    async loadReview(input: { reviewId: number }) {
      const { r } = await reviewContext(db, input.reviewId);
      return {
        reviewId: r.id,
        status: r.status,
        escalated: r.escalated,
        severity: r.severity,
        currentRecordId: r.current_record_id,
        employeeId: r.employee_id,
        // Kept for histories recorded before the routing went up the tree; deciders are now
        // checked in recordDecision.
        managerId: r.manager_id,
        hrId: r.hr_contact_id,
        notified: r.history.some((h) => h.event === 'notified_manager'),
        warningTimeoutMs: config.review.warningTimeoutMs,
        redTimeoutMs: config.review.redTimeoutMs,
      };
    },

    async notifyReviewer(input: { reviewId: number; to: 'manager' | 'hr' }) {
      return notify(input.reviewId, input.to);
    },

    /** No decision in time: HR joins (the flag first, so HR may decide even if DingTalk is slow). */
    async escalateReview(input: { reviewId: number }) {
      await markReviewEscalated(db, input.reviewId);
      return notify(input.reviewId, 'hr');
    },

    /** Stores the decision; a retry of the same decision returns the stored result. */
    async recordDecision(
      input: { reviewId: number; escalated?: boolean } & DecideInput,
    ): Promise<DecideResult> {
      const status = (
        { approve: 'approved', reject: 'rejected', request_recheck: 'recheck_requested' } as const
      )[input.decision];
      return db.transaction().execute(async (trx) => {
        const r = await lockReview(trx, input.reviewId);
        if (!r) throw ApplicationFailure.nonRetryable(`review ${input.reviewId} not found`);
        const last = r.history.at(-1);
        if (
          last?.event === 'decision' &&
          last.actorId === input.deciderId &&
          last.decision === input.decision &&
          r.decided_at
        ) {
          return {
            reviewId: r.id,
            status,
            deciderId: input.deciderId,
            decidedAt: r.decided_at.toISOString(),
          };
        }
        if (r.status === 'approved' || r.status === 'rejected') {
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'This review has already been decided',
            nonRetryable: true,
          });
        }
        // The same rule the API checked and the notifications followed, on fresh data.
        const routing = await loadRouting(db, r.department_id);
        if (!mayDecide(routing, input.deciderId, r.employee_id, r.escalated || input.escalated === true)) {
          throw ApplicationFailure.create({
            type: DECIDE_FORBIDDEN,
            message: 'This review waits for someone else',
            nonRetryable: true,
          });
        }
        const decidedAt = new Date();
        await updateReview(
          trx,
          r.id,
          {
            at: decidedAt.toISOString(),
            event: 'decision',
            actorId: input.deciderId,
            decision: input.decision,
            comment: input.comment,
          },
          {
            status,
            decider_id: input.deciderId,
            decision: input.decision,
            comment: input.comment ?? null,
            decided_at: decidedAt,
          },
        );
        return { reviewId: r.id, status, deciderId: input.deciderId, decidedAt: decidedAt.toISOString() };
      });
    },

    async notifyEmployeeOfReview(input: { reviewId: number }) {
      const { r, subject } = await reviewContext(db, input.reviewId);
      if (r.status === 'pending') return { notified: false };
      const day = await findDay(db, r.employee_id, r.work_date);
      const link = personalCheckinLink(config.api, r.employee_id, r.work_date, day?.late_until);
      try {
        await dingtalk.sendWorkNotification(
          [r.employee_user_id],
          employeeOutcomeCard(subject, r.status, r.comment, link),
        );
      } catch (err) {
        throw toRetryableFailure(err);
      }
      return { notified: true };
    },
  };
}
