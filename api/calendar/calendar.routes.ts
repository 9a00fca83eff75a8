// Work calendar and leave: what the fan-out consults before starting anybody's day.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { isYearCovered, specialDays } from '../../domain/calendar/work-calendar.ts';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { isValidDate, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { idsOrNone } from '../../db/department-scope.ts';
import { loadOverrides } from '../../db/repositories/calendar.ts';
import { markDayExempt } from '../../db/repositories/checkin-days.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { enqueueSignal } from '../../db/repositories/outbox.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { deliverAfterCommit } from '../../platform/signal-outbox.ts';
import type { Logger } from '../../config/logger.ts';
import { AppError, forbidden, notFound } from '../http/errors.ts';
import { inScopeOf, scopeOf } from '../auth/permissions.ts';
import type { Scope } from '../auth/principal.ts';
import { parse, route } from '../http/middleware.ts';

const date = z.string().refine(isValidDate, 'expected a calendar date YYYY-MM-DD');
const overrideSchema = z
  .object({ date, kind: z.enum(['workday', 'day_off']), note: z.string().max(100).optional() })
  .strict();
export const leaveSchema = z
  .object({
    employeeId: z.number().int().positive(),
    kind: z.enum(['leave', 'business_trip']),
    fromDate: date,
    toDate: date,
    note: z.string().max(200).optional(),
  })
  .strict()
  .refine((l) => l.fromDate <= l.toDate, { path: ['toDate'], message: 'toDate must not be before fromDate' });
const leaveQuery = z
  .object({
    employee: z.coerce.number().int().positive().optional(),
    from: date.optional(),
    to: date.optional(),
  })
  .strict();

export interface LeaveDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/** Stores a leave; when it covers the employee's today, marks the day exempt and signals its workflow. */
export async function createLeave(
  deps: LeaveDeps,
  l: z.infer<typeof leaveSchema>,
  opts: { source?: string; scope?: Scope } = {},
) {
  const { db } = deps;
  const source = opts.source ?? 'hr';
  const employee = await findEmployeeById(db, l.employeeId);
  if (!employee)
    throw new AppError('validation_failed', 400, 'Unknown employee', [
      { field: 'employeeId', message: 'no such employee' },
    ]);
  if (opts.scope && !inScopeOf(opts.scope, employee.department_id))
    throw forbidden('That employee is outside your scope');
  const policy = await getPolicy(db, { departmentId: employee.department_id });
  const today = workDateAt(new Date(), employee.time_zone ?? policy.timeZone);
  const { leave, outboxId } = await db.transaction().execute(async (trx) => {
    const leave = await trx
      .insertInto('leaves')
      .values({
        employee_id: l.employeeId,
        kind: l.kind,
        from_date: l.fromDate,
        to_date: l.toDate,
        note: l.note ?? null,
        source,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    let outboxId: number | null = null;
    if (l.fromDate <= today && today <= l.toDate && (await markDayExempt(trx, l.employeeId, today))) {
      outboxId = await enqueueSignal(trx, checkinWorkflowId(today, l.employeeId), 'exempt', {
        reason: l.kind,
      });
    }
    return { leave, outboxId };
  });
  if (outboxId !== null) await deliverAfterCommit(deps, [outboxId], 3000);
  return { ...leave, stoppedToday: outboxId !== null };
}

/** Deletes a leave of someone inside the scope; returns the deleted row. */
export async function deleteLeave(db: DB, id: number, scope: Scope) {
  const leave = await db
    .selectFrom('leaves')
    .innerJoin('employees', 'employees.id', 'leaves.employee_id')
    .select(['leaves.id', 'employees.department_id'])
    .where('leaves.id', '=', id)
    .executeTakeFirst();
  if (!leave || !inScopeOf(scope, leave.department_id)) throw notFound('Leave');
  return db.deleteFrom('leaves').where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function calendarRoutes(deps: {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}): Router {
  const { db } = deps;
  const r = Router();

  r.get(
    '/calendar/:year',
    route(async (req, res) => {
      const { year } = parse(
        z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        req.params,
        'path',
      );
      const covered = isYearCovered(year);
      const overrides = await loadOverrides(db, `${year}-01-01`, `${year}-12-31`);
      res.json({
        year,
        covered,
        warning: covered
          ? null
          : `法定节假日数据尚未包含 ${year} 年：仅按周末计算，请录入该年的节假日与调休 (no statutory holidays known for ${year}: weekends only; enter the year's holidays and make-up days)`,
        overrides: [...overrides].map(([d, o]) => ({ date: d, ...o })),
        specialDays: specialDays(year, overrides),
      });
    }),
  );
  r.put(
    '/calendar/overrides/:date',
    route(async (req, res) => {
      const body = parse(overrideSchema, { ...(req.body as object), date: req.params.date });
      await db
        .insertInto('calendar_overrides')
        .values({ date: body.date, kind: body.kind, note: body.note ?? null })
        .onConflict((oc) => oc.column('date').doUpdateSet({ kind: body.kind, note: body.note ?? null }))
        .execute();
      res.json(body);
    }),
  );
  r.delete(
    '/calendar/overrides/:date',
    route(async (req, res) => {
      const d = parse(date, req.params.date, 'path');
      const gone = await db.deleteFrom('calendar_overrides').where('date', '=', d).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw notFound('Calendar override');
      res.status(204).end();
    }),
  );

  r.get(
    '/leaves',
    route(async (req, res) => {
      const q = parse(leaveQuery, req.query, 'query');
      const scope = scopeOf(req);
      let sel = db.selectFrom('leaves').selectAll('leaves');
      if (scope !== 'all')
        sel = sel
          .innerJoin('employees', 'employees.id', 'leaves.employee_id')
          .where('employees.department_id', 'in', idsOrNone(scope));
      if (q.employee) sel = sel.where('employee_id', '=', q.employee);
      if (q.from) sel = sel.where('to_date', '>=', q.from);
      if (q.to) sel = sel.where('from_date', '<=', q.to);
      res.json(await sel.orderBy('from_date', 'desc').limit(500).execute());
    }),
  );
  /** Leave covering today stops the running day politely: no more reminders, outcome exempt. */
  r.post(
    '/leaves',
    route(async (req, res) => {
      res.status(201).json(await createLeave(deps, parse(leaveSchema, req.body), { scope: scopeOf(req) }));
    }),
  );
  r.delete(
    '/leaves/:id',
    route(async (req, res) => {
      const { id } = parse(z.object({ id: z.coerce.number().int().positive() }), req.params, 'path');
      await deleteLeave(db, id, scopeOf(req));
      res.status(204).end();
    }),
  );
  return r;
}
