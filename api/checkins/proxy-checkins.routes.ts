// Manager proxy filling (代填): a manager or HR contact submits today's check-in for someone in
// their departments who cannot (no phone, in hospital). Same submission service as the employee's
// own route, so the record, the day's outcome and the workflow's ladder behave identically; the
// record names the proxy and the audit row says why.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { submissionSchema } from '../../domain/submission.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { auditEntryFor, noteAudit } from '../audit/audit-trail.ts';
import { sealAuditText } from '../../db/repositories/audit.ts';
import { inScopeOf, personOf, scopeOf } from '../auth/permissions.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { parse } from '../http/middleware.ts';
import { submitOutcomes } from './checkins.schemas.ts';
import { submitCheckin, type CheckinDeps } from './checkins.service.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { endpoint } from '../http/contract.ts';

/** The employee's body without the identity proof (the proxy's own session is the identity), plus why. */
export const proxySubmissionSchema = submissionSchema.omit({ identity: true }).extend({
  reason: z
    .string({ error: 'reason is required' })
    .trim()
    .min(1, 'reason is required')
    .max(200, 'reason is at most 200 characters'),
});

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** POST /api/employees/:id/proxy-checkins, mounted in app.ts behind authorize('proxy:submit'). */
export const proxyCheckin = (deps: CheckinDeps): RequestHandler[] => [
  // who fills in for whom is audited and checked before the answers are
  (req, _res, next) => {
    try {
      const { id } = parse(idParam, req.params, 'path');
      noteAudit(req, { action: 'checkins.proxy', targetType: 'employee', targetId: id });
      // Only a person can answer for having filled in (proxy:submit is person-only).
      if (personOf(req) === id) throw forbidden('Fill in your own check-in on the check-in page');
      next();
    } catch (err) {
      next(err);
    }
  },
  endpoint(
    {
      summary: "代填: a manager or HR submits today's check-in for someone in their departments",
      params: idParam,
      body: proxySubmissionSchema,
      ...submitOutcomes,
    },
    async (req, res, { params: { id }, body }) => {
      const proxyId = personOf(req);
      const employee = await findEmployeeById(deps.db, id);
      // Outside the scope it is a 404 like every scoped read, so ids do not leak.
      if (!employee?.active || !inScopeOf(scopeOf(req), employee.department_id)) throw notFound('Employee');
      const { reason, ...submission } = body;
      // The reason often names an illness: sealed like other health text. The row commits with the
      // record (a record stored without its why would be a proxy fill nobody can account for).
      const { record, replayed, reviewId } = await submitCheckin(deps, employee.id, submission, new Date(), {
        proxyByEmployeeId: proxyId,
        audit: (stored) => {
          noteAudit(req, {
            detail: { recordId: stored.id, reasonSealed: sealAuditText(reason, keyringOf(deps.db)) },
          });
          return auditEntryFor(req, 201);
        },
      });
      if (replayed) noteAudit(req, { detail: { recordId: record.id, replayed } });
      else req.auditWritten = true;
      res.status(replayed ? 200 : 201).json({ record, replayed, reviewId });
    },
  ),
];
