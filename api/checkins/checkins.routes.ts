// Employee endpoints: today's form and status, and the submission.
import { Router } from 'express';
import { submissionSchema } from '../../domain/submission.ts';
import { getPublishedForm } from '../../db/repositories/forms.ts';
import { findRecordForDay } from '../../db/repositories/records.ts';
import { findDepartmentName, findEmployeeById } from '../../db/repositories/org.ts';
import { findReviewOfRecord } from '../../db/repositories/reviews.ts';
import { auditEntryFor } from '../audit/audit-trail.ts';
import { notFound } from '../http/errors.ts';
import { resolveToday, submitCheckin, type CheckinDeps } from './checkins.service.ts';
import { runIdentityCheck, type IdentityCheck } from './identity-checks.ts';
import { prefillFor } from './prefill.ts';
import { formForPerson, noticeNeeded } from '../../domain/privacy/consent.ts';
import { getPublishedNoticeCached } from '../../db/repositories/privacy.ts';

import { endpoint } from '../http/contract.ts';
import { submitOutcomes, todaySchema } from './checkins.schemas.ts';

export function checkinRoutes(deps: CheckinDeps & { identityChecks: readonly IdentityCheck[] }): Router {
  const r = Router();

  r.get(
    '/today',
    endpoint(
      {
        summary: "Today's form, prefill and status for the signed-in employee",
        response: {
          description: '{ workDate, timeZone, employee, form, prefill, privacy, status, record, review }',
          schema: todaySchema,
        },
      },
      async (req, res) => {
        const employeeId = req.employeeId as number;
        const employee = await findEmployeeById(deps.db, employeeId);
        if (!employee) throw notFound('Employee');
        const { workDate, day, closesAt, lateUntil, policy } = await resolveToday(
          deps.db,
          employeeId,
          new Date(),
        );
        const record = await findRecordForDay(deps.db, employeeId, workDate);
        const form = await getPublishedForm(deps.db);
        const review = record ? await findReviewOfRecord(deps.db, record.id) : undefined;
        const department = await findDepartmentName(deps.db, employee.department_id);
        const notice = await getPublishedNoticeCached(deps.db);
        const definition = formForPerson(form.definition, notice, employee);
        res.json({
          workDate,
          timeZone: policy.timeZone,
          employee: {
            id: employee.id,
            name: employee.name,
            departmentId: employee.department_id,
            departmentName: department?.name ?? null,
          },
          form: { version: form.version, ...definition },
          prefill: await prefillFor(deps.db, employeeId, workDate, definition),
          // what the page asks before the form: nothing, an acknowledgement or consent (GET /api/me/privacy)
          privacy: {
            version: notice?.version ?? null,
            legalBasis: notice?.legal_basis ?? null,
            needed: noticeNeeded(notice, employee),
            state: employee.privacy_state,
          },
          status: {
            outcome: day?.outcome ?? (record ? 'submitted' : 'pending'),
            levelReached: day?.level_reached ?? 0,
            closesAt: closesAt.toISOString(),
            lateUntil: policy.lateSubmissions === 'accept' ? lateUntil.toISOString() : closesAt.toISOString(),
          },
          record: record ?? null,
          review: review ?? null,
        });
      },
    ),
  );

  r.post(
    '/checkins',
    endpoint(
      {
        summary: "Submit today's check-in (idempotent by idempotencyKey)",
        body: submissionSchema,
        ...submitOutcomes,
      },
      async (req, res, { body: submission }) => {
        // read by authenticate moments ago for a Bearer token (one read fewer per submission)
        const employee =
          req.tokenEmployee?.id === req.employeeId
            ? req.tokenEmployee
            : await findEmployeeById(deps.db, req.employeeId as number);
        if (!employee) throw notFound('Employee');
        const identityCheck = await runIdentityCheck(deps.identityChecks, submission.identity, employee);
        const { record, replayed, reviewId } = await submitCheckin(
          deps,
          employee.id,
          submission,
          new Date(),
          {
            identityCheck,
            employee,
            // the audit row commits with the record: one commit per submission, and no record without its trace
            audit: () => auditEntryFor(req, 201),
          },
        );
        if (!replayed) req.auditWritten = true;
        res.status(replayed ? 200 : 201).json({ record, replayed, reviewId });
      },
    ),
  );
  return r;
}
