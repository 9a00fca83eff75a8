// Correction and deletion requests (PIPL): the employee asks from the check-in page
// (`/api/me/data-requests`), HR decides in the admin UI (`/api/ra/data-requests`, a Temporal Update
// to the request's workflow). The request row, its outbox start and its audit row commit together.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import {
  dataRequestsListQuery,
  findDataRequest,
  insertDataRequest,
  listOwnDataRequests,
  openDataRequestRow,
} from '../../db/repositories/data-requests.ts';
import { findFormVersionCached } from '../../db/repositories/forms.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { enqueueOutbox, outboxStart } from '../../db/repositories/outbox.ts';
import { keyringOf, openAnswers } from '../../db/sealed-fields.ts';
import { issue } from '../../domain/issue-codes.ts';
import { dataRequestWorkflowId } from '../../domain/workflow-ids.ts';
import {
  correctionErrors,
  dataRequestKinds,
  dataRequestStatuses,
} from '../../domain/privacy/data-request.ts';
import { deliverAfterCommit } from '../../platform/signal-outbox.ts';
import { CORRECTION_INVALID } from '../../activities/data-rights.ts';
import { dataRequest } from '../../workflows/data-request.ts';
import { DECIDE_CONFLICT, DECIDE_FORBIDDEN, decideDataRequestUpdate } from '../../workflows/messages.ts';
import { auditRead, noteAudit, writeAuditIn } from '../audit/audit-trail.ts';
import { authorize, inScopeOf, principalOf, scopeOf } from '../auth/permissions.ts';
import { AppError, conflict, forbidden, notFound } from '../http/errors.ts';
import { endpoint } from '../http/contract.ts';
import {
  dataRequestDecidedSchema,
  dataRequestSchema,
  filedDataRequestSchema,
  ownDataRequestsSchema,
} from './data-requests.schemas.ts';
import { bigId, dateFilter, idList, idParam, listRoute, person, type SortSpec } from '../http/simple-rest.ts';

export interface DataRequestDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

const createSchema = z
  .object({
    kind: z.enum(dataRequestKinds),
    recordId: z
      .union([
        bigId,
        z
          .string()
          .regex(/^\d{1,15}$/)
          .transform(Number),
      ])
      .optional(),
    message: z.string().trim().min(1).max(2000),
  })
  .strict();

const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(1).max(2000),
    /** an approved correction: the record's answers to set (checked against the record's form) */
    corrections: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((d) => d.decision === 'approve' || d.corrections === undefined, {
    path: ['corrections'],
    ...issue('corrections_only_on_approve', 'corrections go with an approval'),
  });

/** What the employee sees of their own requests. */
const ownView = (r: Awaited<ReturnType<typeof listOwnDataRequests>>[number]) => ({
  id: String(r.id),
  kind: r.kind,
  status: r.status,
  ...(r.reason !== null ? { reason: r.reason } : {}),
  ...(r.record_id !== null ? { recordId: String(r.record_id) } : {}),
  createdAt: r.created_at.toISOString(),
  ...(r.decided_at ? { decidedAt: r.decided_at.toISOString() } : {}),
});

/** Mounted under /api/me (employee auth): file a request, list one's own. */
export function myDataRequestRoutes(deps: DataRequestDeps): Router {
  const { db } = deps;
  const r = Router();
  r.get(
    '/data-requests',
    endpoint(
      {
        summary: 'The employee’s own data requests (correction, deletion)',
        response: { description: '{ items }', schema: ownDataRequestsSchema },
      },
      async (req, res) => {
        const items = await listOwnDataRequests(db, req.employeeId as number);
        res.json({ items: items.map(ownView) });
      },
    ),
  );
  r.post(
    '/data-requests',
    endpoint(
      {
        summary: 'File a data request: correct or delete one’s health data',
        body: createSchema,
        response: {
          status: 202,
          description: '{ id, status }: the request, handled by a workflow',
          schema: filedDataRequestSchema,
        },
      },
      async (req, res, { body }) => {
        const employeeId = req.employeeId as number;
        const employee = await findEmployeeById(db, employeeId);
        if (!employee) throw notFound('Employee');
        noteAudit(req, {
          action: 'data_requests.create',
          targetType: 'employee',
          targetId: employeeId,
          detail: { kind: body.kind, recordId: body.recordId ?? null },
        });
        const { row, outboxIds } = await db.transaction().execute(async (trx) => {
          if (body.recordId !== undefined) {
            const own = await trx
              .selectFrom('health_records')
              .select('id')
              .where('id', '=', body.recordId)
              .where('employee_id', '=', employeeId)
              .executeTakeFirst();
            if (!own)
              throw new AppError('validation_failed', 400, 'No such record of yours', [
                { field: 'recordId', message: 'not one of your records', code: 'no_such_record' },
              ]);
          }
          const row = await insertDataRequest(trx, {
            employeeId,
            departmentId: employee.department_id,
            kind: body.kind,
            recordId: body.recordId ?? null,
            message: body.message,
          });
          const outboxIds = await enqueueOutbox(trx, [
            outboxStart(dataRequest, dataRequestWorkflowId(row.id), { requestId: row.id }),
          ]);
          req.audit = {
            ...req.audit,
            action: 'data_requests.create',
            targetId: String(row.id),
            targetType: 'data_request',
          };
          await writeAuditIn(trx, req, 202);
          return { row, outboxIds };
        });
        req.auditWritten = true;
        await deliverAfterCommit(deps, outboxIds, 3000);
        res.status(202).json({ id: String(row.id), status: row.status });
      },
    ),
  );
  return r;
}

const sort = {
  fields: {
    ...person.sort('r'),
    created_at: 'r.created_at',
    decided_at: 'r.decided_at',
    status: 'r.status',
    kind: 'r.kind',
  },
  key: ['r.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    ...person.filters,
    // a serial key, unlike the bigserial ones the shared filters expect
    id: idList,
    status: z.enum(dataRequestStatuses),
    kind: z.enum(dataRequestKinds),
    escalated: z.boolean(),
    created_at_gte: dateFilter,
  })
  .partial()
  .strict();

/** Mounted under /api/ra/data-requests: HR lists, reads and decides, in its departments. */
export function dataRequestsResource(deps: DataRequestDeps): Router {
  const { db } = deps;
  const r = Router();
  r.use(authorize('data-requests:decide'));
  r.get(
    '/',
    auditRead('data_requests.list', 'data_request'),
    listRoute(
      db,
      'data-requests',
      dataRequestSchema,
      sort,
      filterSchema,
      (req: Request) => dataRequestsListQuery(db, scopeOf(req)),
      {
        ...person.rules('r'),
        status: ['r.status', '='],
        kind: ['r.kind', '='],
        escalated: ['r.escalated', '='],
        created_at_gte: ['r.created_at', '>='],
      },
      (row) => openDataRequestRow(row, db),
    ),
  );
  r.get(
    '/:id',
    auditRead('data_requests.read', 'data_request'),
    endpoint(
      {
        summary: 'One data request',
        params: idParam,
        response: { description: 'The data request', schema: dataRequestSchema },
      },
      async (req, res, { params: { id } }) => {
        const row = await dataRequestsListQuery(db, scopeOf(req)).where('r.id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Data request');
        res.json(openDataRequestRow(row, db));
      },
    ),
  );
  r.post(
    '/:id/decision',
    endpoint(
      {
        summary: 'Approve or reject a data request (HR; never one’s own)',
        params: idParam,
        body: decisionSchema,
        errors: ['conflict', 'unavailable'],
        response: { description: 'The decided request', schema: dataRequestDecidedSchema },
      },
      async (req, res, { params: { id }, body }) => {
        const p = principalOf(req);
        const request = await findDataRequest(db, id);
        if (!request || !inScopeOf(scopeOf(req), request.department_id)) throw notFound('Data request');
        if (p.employeeId !== null && p.employeeId === request.employee_id)
          throw forbidden('Nobody decides their own request');
        if (request.status !== 'pending') throw conflict('This request has already been decided');
        if (body.corrections !== undefined) await checkCorrections(db, request, body.corrections);
        // the workflow's activity writes the decision's audit row (who, when, why, what it did)
        req.auditWritten = true;
        try {
          const result = await deps.temporal.workflow
            .getHandle<typeof dataRequest>(dataRequestWorkflowId(id))
            .executeUpdate(decideDataRequestUpdate, {
              args: [
                {
                  decision: body.decision,
                  reason: body.reason,
                  decidedBy: p.actor,
                  deciderRoles: [...p.roles],
                  deciderEmployeeId: p.employeeId,
                  ...(body.corrections ? { corrections: body.corrections } : {}),
                },
              ],
            });
          res.json({ ...result, id: result.requestId });
        } catch (err) {
          req.auditWritten = false;
          throw decisionError(err);
        }
      },
    ),
  );
  return r;
}

/** A correction must name a record and fit the record's form once applied. */
async function checkCorrections(
  db: DB,
  request: { kind: string; record_id: number | null; employee_id: number },
  corrections: Record<string, unknown>,
) {
  const refuse = (message: string, code: Parameters<typeof issue>[0], field = 'corrections') =>
    new AppError('validation_failed', 400, message, [{ field, message, code }]);
  if (request.kind !== 'correction')
    throw refuse('Only a correction request carries corrections', 'not_a_correction');
  if (request.record_id === null)
    throw refuse(
      'This request names no record: correct the data and approve without corrections',
      'correction_needs_record',
    );
  const rec = await db
    .selectFrom('health_records')
    .select(['answers_ct', 'form_version'])
    .where('id', '=', request.record_id)
    .where('employee_id', '=', request.employee_id)
    .executeTakeFirst();
  if (!rec) throw refuse('The record of this request no longer exists', 'no_such_record');
  const form = rec.form_version === null ? undefined : await findFormVersionCached(db, rec.form_version);
  if (!form) return;
  const errors = correctionErrors(form.definition, openAnswers(rec.answers_ct, keyringOf(db)), corrections);
  if (errors.length)
    throw new AppError(
      'validation_failed',
      400,
      'The corrected answers do not fit the form',
      errors.map((e) => ({
        field: `corrections.${e.field}`,
        code: e.code,
        message: e.message.en,
        messages: e.message,
      })),
    );
}

function decisionError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError)
    return new AppError('unavailable', 503, 'The request is still being set up; try again shortly');
  if (err instanceof WorkflowUpdateFailedError) {
    let cause: unknown = err.cause;
    while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
    const failure = cause as ApplicationFailure | undefined;
    if (failure?.type === DECIDE_FORBIDDEN) return forbidden(failure.message);
    if (failure?.type === DECIDE_CONFLICT) return conflict(failure.message);
    if (failure?.type === CORRECTION_INVALID)
      return new AppError('validation_failed', 400, failure.message, [
        { field: 'corrections', message: failure.message, code: 'invalid' },
      ]);
    return conflict(failure?.message ?? err.message);
  }
  return err;
}
