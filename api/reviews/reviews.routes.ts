// Reviews: the decision endpoint that calls the workflow's `decide` Update (reading: reviews.resource.ts).
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import { reviewWorkflowId } from '../../domain/workflow-ids.ts';
import type { anomalyReview } from '../../workflows/anomaly-review.ts';
import type { DB } from '../../db/connect.ts';
import { findReview } from '../../db/repositories/reviews.ts';
import { DECIDE_CONFLICT, DECIDE_FORBIDDEN, decideUpdate } from '../../workflows/messages.ts';
import { inScopeOf, personOf, scopeOf } from '../auth/permissions.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { reviewDecidableBy } from './review-page.ts';
import { endpoint } from '../http/contract.ts';
import { decideResultSchema } from './reviews.schemas.ts';

const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject', 'request_recheck']),
    comment: z.string().max(500).optional(),
  })
  .strict();

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** A review the caller may see (outside the scope it does not exist, so ids do not leak). */
async function scopedReview(db: DB, req: Parameters<typeof scopeOf>[0], id: number) {
  const review = await findReview(db, id);
  if (!review || !inScopeOf(scopeOf(req), review.department_id)) throw notFound('Review');
  return review;
}

/**
 * The decider is the signed-in person: whoever the review was routed to up the department tree,
 * and after escalation HR (company-wide HR always).
 */
export function reviewDecisionRoutes(deps: { db: DB; temporal: Client }): Router {
  const r = Router();
  r.post(
    '/:id/decision',
    endpoint(
      {
        summary: 'Decide a review: approve, reject or request a recheck (the workflow answers)',
        params: idParam,
        body: decisionSchema,
        response: {
          description: "The workflow's answer: the review after the decision",
          schema: decideResultSchema,
        },
        errors: ['review_not_yours', 'conflict'],
      },
      async (req, res, { params: { id }, body }) => {
        const deciderId = personOf(req);
        const review = await scopedReview(deps.db, req, id);
        // The same rule as the notifications (domain/reviewer-routing.ts), answered before the
        // workflow is asked; recordDecision checks it again on the data of that moment.
        if (
          !(await reviewDecidableBy(deps.db, review, deciderId)) &&
          (review.status === 'pending' || review.status === 'recheck_requested')
        )
          throw notYourReview();
        const handle = deps.temporal.workflow.getHandle<typeof anomalyReview>(
          reviewWorkflowId(review.record_id),
        );
        try {
          const result = await handle.executeUpdate(decideUpdate, {
            args: [{ deciderId, decision: body.decision, comment: body.comment }],
          });
          res.json(result);
        } catch (err) {
          throw decisionError(err);
        }
      },
    ),
  );
  return r;
}

/** A 403 the UI translates by its code (errors.review_not_yours). */
const notYourReview = () =>
  new AppError(
    'review_not_yours',
    403,
    'This review waits for someone else: the reviewer it was routed to decides',
  );

function decisionError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return conflict('This review is closed');
  if (err instanceof WorkflowUpdateFailedError) {
    let cause: unknown = err.cause;
    // An activity failure wraps the ApplicationFailure; look through the chain for our type.
    while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
    const failure = cause as ApplicationFailure | undefined;
    if (failure?.type === DECIDE_FORBIDDEN) return notYourReview();
    if (failure?.type === DECIDE_CONFLICT) return conflict(failure.message);
    return conflict(err.message);
  }
  return err;
}
