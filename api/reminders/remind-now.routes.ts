// "Remind now" (一键提醒) for today's non-submitters, per person or per department (with its
// sub-departments), limited to the caller's departments. It hands the people to the same batch
// workflow the ladder uses (one work notification per 100 people, paced by the batch window) under
// level 0, so each person gets at most one such reminder a day however often anyone clicks.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { MANUAL_REMINDER_LEVEL } from '../../domain/reminders/ladder.ts';
import { manualReminderWorkflowId } from '../../domain/workflow-ids.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import { inScopeOf, type DepartmentScope } from '../../db/department-scope.ts';
import { openDays } from '../../db/repositories/dashboard.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { departmentScope } from '../../db/repositories/reports.ts';
import { departmentReminderBatch } from '../../workflows/department-reminder-batch.ts';
import { pendingSignal } from '../../workflows/messages.ts';
import { noteAudit } from '../audit/audit-trail.ts';
import { authorize, scopeOf } from '../auth/permissions.ts';
import { AppError, notFound } from '../http/errors.ts';
import { dbId } from '../http/simple-rest.ts';
import { issue } from '../../domain/issue-codes.ts';
import { endpoint } from '../http/contract.ts';

export interface RemindNowDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  batchWindowMs: number;
}

const remindNow = z
  .object({
    employee_ids: z.array(dbId).min(1).max(1000),
    department_id: dbId,
  })
  .partial()
  .strict()
  .refine(
    (b) => (b.employee_ids === undefined) !== (b.department_id === undefined),
    issue('remind_target', 'name either employee_ids or department_id'),
  );

/** Every open day of today in a department set (a department has at most a few thousand people). */
const OPEN_DAYS_LIMIT = 20_000;

export function remindNowRoutes(deps: RemindNowDeps): Router {
  const { db } = deps;
  const r = Router();
  r.post(
    '/',
    authorize('health:read'),
    endpoint(
      {
        summary: "Remind today's non-submitters now: named employees or a department (with sub-departments)",
        body: remindNow,
        response: {
          status: 202,
          description: 'Who was queued, who had been reminded by hand already, who is not pending',
          schema: z.object({
            workDate: z.string(),
            queued: z.array(z.number().int()),
            alreadyReminded: z.array(z.number().int()),
            notPending: z.array(z.number().int()),
          }),
        },
      },
      async (req, res, { body }) => {
        const scope = scopeOf(req);
        if (body.department_id !== undefined && !inScopeOf(scope, body.department_id))
          throw notFound('Department');
        const workDate = workDateAt(new Date(), (await getPolicy(db)).timeZone);
        const listed: DepartmentScope =
          body.department_id !== undefined
            ? (await departmentScope(db, [body.department_id])).filter((id) => inScopeOf(scope, id))
            : scope;
        const wanted = body.employee_ids && new Set(body.employee_ids);
        const open = (await openDays(db, workDate, listed, OPEN_DAYS_LIMIT)).filter(
          (d) => d.outcome === 'pending' && (!wanted || wanted.has(d.id)),
        );
        const already = new Set(
          (
            await listRemindersForDay(
              db,
              workDate,
              open.map((d) => d.id),
            )
          )
            .filter((x) => x.level === MANUAL_REMINDER_LEVEL)
            .map((x) => x.employee_id),
        );
        const queued = open.filter((d) => !already.has(d.id));
        const byDepartment = new Map<number, number[]>();
        for (const d of queued)
          byDepartment.set(d.department_id, [...(byDepartment.get(d.department_id) ?? []), d.id]);
        noteAudit(req, {
          action: 'reminders.remind_now',
          targetType: body.department_id !== undefined ? 'department' : 'employees',
          targetId: body.department_id ?? body.employee_ids?.join(','),
          detail: { workDate, queued: queued.map((d) => d.id), alreadyReminded: [...already] },
        });
        try {
          for (const [departmentId, employeeIds] of byDepartment) {
            await deps.temporal.workflow.signalWithStart(departmentReminderBatch, {
              taskQueue: deps.taskQueue,
              workflowId: manualReminderWorkflowId(workDate, departmentId),
              args: [
                { departmentId, workDate, level: MANUAL_REMINDER_LEVEL, batchWindowMs: deps.batchWindowMs },
              ],
              signal: pendingSignal,
              signalArgs: [{ employeeIds }],
            });
          }
        } catch (err) {
          deps.logger.error({ err, workDate }, 'remind-now: Temporal did not take the batch');
          throw new AppError(
            'unavailable',
            503,
            'Reminders cannot be queued right now; try again in a minute',
            undefined,
            {
              cause: err,
            },
          );
        }
        res.status(202).json({
          workDate,
          queued: queued.map((d) => d.id),
          alreadyReminded: [...already],
          // asked for by id but not an open day in the caller's scope (submitted, exempt, or unknown)
          notPending: body.employee_ids?.filter((id) => !open.some((d) => d.id === id)) ?? [],
        });
      },
    ),
  );
  return r;
}
