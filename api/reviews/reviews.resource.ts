// Reviews for the admin UI (react-admin simple-rest): list, getOne, getMany and getManyReference
// by employee, each limited in SQL to the caller's departments and audited (reasons and comments
// are health data). Decisions stay in reviews.routes.ts.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { reviewStatuses } from '../../domain/review-status.ts';
import type { DB } from '../../db/connect.ts';
import { idsOrNone, type DepartmentScope } from '../../db/department-scope.ts';
import { openReviewWithContext, reviewsWithContext } from '../../db/repositories/reviews.ts';
import { auditRead, noteSubject } from '../audit/audit-trail.ts';
import { authorize, can, principalOf, scopeOf } from '../auth/permissions.ts';
import { reviewPage } from './review-page.ts';
import { dateFilter, getOneRoute, listRoute, person, type SortSpec } from '../http/simple-rest.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { reviewPageSchema, reviewRowSchema } from './reviews.schemas.ts';

const sort = {
  fields: {
    ...person.sort('r'),
    work_date: 'r.work_date',
    severity: 'r.severity',
    status: 'r.status',
    escalated: 'r.escalated',
    decision: 'r.decision',
    decided_at: 'r.decided_at',
    created_at: 'r.created_at',
  },
  key: ['r.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    ...person.filters,
    status: z.enum(reviewStatuses),
    severity: z.enum(['warning', 'red']),
    work_date_gte: dateFilter,
    work_date_lte: dateFilter,
  })
  .partial()
  .strict();

const scoped = (db: DB, scope: DepartmentScope) =>
  reviewsWithContext(db).$if(scope !== 'all', (q) =>
    q.where('r.department_id', 'in', idsOrNone(scope as readonly number[])),
  );

export function reviewsResource(deps: { db: DB }): Router {
  const r = Router();
  r.use(authorize('health:read'));
  r.get(
    '/',
    auditRead('reviews.list', 'reviews'),
    listRoute(
      deps.db,
      'reviews',
      reviewRowSchema,
      sort,
      filterSchema,
      (req: Request) => scoped(deps.db, scopeOf(req)),
      {
        ...person.rules('r'),
        status: ['r.status', '='],
        severity: ['r.severity', '='],
        work_date_gte: ['r.work_date', '>='],
        work_date_lte: ['r.work_date', '<='],
      },
      (row, req) => {
        noteSubject(req, row.employee_id);
        return openReviewWithContext(row, keyringOf(deps.db));
      },
    ),
  );
  r.get(
    '/:id',
    auditRead('reviews.read', 'reviews'),
    getOneRoute(
      reviewPageSchema,
      async (req, id) => {
        const row = await scoped(deps.db, scopeOf(req)).where('r.id', '=', id).executeTakeFirst();
        if (!row) return undefined;
        noteSubject(req, row.employee_id);
        // getOne is the review page: the row plus its readings, decider, who it waits for and can_decide
        const p = principalOf(req);
        const review = openReviewWithContext(row, keyringOf(deps.db));
        return reviewPage(deps.db, review, p.employeeId, can(p, 'reviews:decide'));
      },
      'Review',
      'The review page: the review, its readings, decider, who it waits for and can_decide',
    ),
  );
  return r;
}
