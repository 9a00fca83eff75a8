// Activities of the review workflow: load, notify, escalate, record the decision (idempotently).
import { ApplicationFailure } from '@temporalio/common';
import { updateReview } from '../db/repositories/reviews.ts';
import type { DB } from '../db/connect.ts';
import { DECIDE_CONFLICT, type DecideInput, type DecideResult } from '../workflows/messages.ts';
import { findDay } from '../db/repositories/checkin-days.ts';
import { personalCheckinLink } from './reminder-messages.ts';
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
  const r = await db
    .selectFrom('reviews as r')
    .innerJoin('employees as e', 'e.id', 'r.employee_id')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .innerJoin('health_records as h', 'h.id', 'r.current_record_id')
    .leftJoin('employees as m', 'm.id', 'd.manager_id')
    .leftJoin('employees as hr', 'hr.id', 'd.hr_contact_id')
    .select([
      'r.id',
      'r.status',
      'r.escalated',
      'r.severity',
      'r.current_record_id',
      'r.work_date',
      'r.employee_id',
      'r.comment',
      'r.history',
      'e.name as employee_name',
      'e.dingtalk_user_id as employee_user_id',
      'd.name as department_name',
      'd.manager_id',
      'm.dingtalk_user_id as manager_user_id',
      'm.dingtalk_union_id as manager_union_id',
      'd.hr_contact_id',
      'hr.dingtalk_user_id as hr_user_id',
      'hr.dingtalk_union_id as hr_union_id',
      'h.reasons',
    ])
    .where('r.id', '=', reviewId)
    .executeTakeFirst();
  if (!r) throw ApplicationFailure.nonRetryable(`review ${reviewId} not found`);
  const subject: ReviewSubject = {
    reviewId: r.id,
    workDate: r.work_date,
    employeeName: r.employee_name,
    departmentName: r.department_name,
    severity: r.severity,
    reasons: r.reasons.map((x) => x.text.zh),
  };
  return { r, subject };
}

export function createReviewActivities({ db, dingtalk, config, logger }: ActivityDeps) {
  const base = config.api.publicBaseUrl;

  async function notify(reviewId: number, to: 'manager' | 'hr') {
    const { r, subject } = await reviewContext(db, reviewId);
    const userId = to === 'manager' ? r.manager_user_id : r.hr_user_id;
    const unionId = to === 'manager' ? r.manager_union_id : r.hr_union_id;
    if (!userId) {
      logger.warn({ reviewId, to }, 'no reviewer to notify');
      return { notified: false };
    }
    const link = reviewLink(base, reviewId);
    try {
      await dingtalk.sendWorkNotification([userId], reviewerCard(subject, to, link));
      if (unionId) await dingtalk.createTodo(unionId, reviewerTodo(subject, to, unionId, link));
    } catch (err) {
      throw toRetryableFailure(err);
    }
    await updateReview(db, reviewId, {
      at: new Date().toISOString(),
      event: to === 'manager' ? 'notified_manager' : 'escalated',
    });
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
      await db.updateTable('reviews').set({ escalated: true }).where('id', '=', input.reviewId).execute();
      return notify(input.reviewId, 'hr');
    },

    /** Stores the decision; a retry of the same decision returns the stored result. */
    async recordDecision(input: { reviewId: number } & DecideInput): Promise<DecideResult> {
      const status = (
        { approve: 'approved', reject: 'rejected', request_recheck: 'recheck_requested' } as const
      )[input.decision];
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .selectFrom('reviews')
          .selectAll()
          .where('id', '=', input.reviewId)
          .forUpdate()
          .executeTakeFirst();
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
