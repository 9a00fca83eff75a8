// Check-in policy (company and per department), department time zones, part-time patterns.
// A change applies from tomorrow at the earliest: a running day keeps the snapshot it started with.
import { Router } from 'express';
import { z } from 'zod';
import { checkinPolicySchema } from '../../domain/policy.ts';
import { addDays, isValidDate, isValidTimeZone, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import {
  departmentExists,
  setDepartmentTimeZone,
  setEmployeeWorkPattern,
} from '../../db/repositories/org.ts';
import { getPolicy, listPolicyVersions, savePolicy } from '../../db/repositories/policy.ts';
import { AppError, notFound } from '../http/errors.ts';
import { scopeOf } from '../auth/permissions.ts';
import { issue } from '../../domain/issue-codes.ts';
import { endpoint } from '../http/contract.ts';
import {
  departmentTimeZoneSchema,
  policyChangeSchema,
  policyOverviewSchema,
  workPatternSchema,
} from './policy.schemas.ts';

const changeSchema = z
  .object({
    policy: checkinPolicySchema,
    effectiveFrom: z
      .string()
      .refine(isValidDate, issue('date_format', 'expected a calendar date YYYY-MM-DD'))
      .optional(),
  })
  .strict();
const deptParam = z.object({ id: z.coerce.number().int().positive() });
const timeZone = z
  .string()
  .refine(isValidTimeZone, issue('time_zone_unknown', 'unknown IANA time zone'))
  .nullable();

export function policyRoutes(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();

  const change = async (departmentId: number | null, c: z.output<typeof changeSchema>) => {
    const company = await getPolicy(db);
    const tomorrow = addDays(workDateAt(new Date(), company.timeZone), 1);
    const effectiveFrom = c.effectiveFrom ?? tomorrow;
    if (effectiveFrom < tomorrow) {
      throw new AppError('validation_failed', 400, 'Policy changes apply from tomorrow at the earliest', [
        {
          field: 'effectiveFrom',
          message: `must be ${tomorrow} or later: today's running days keep their policy`,
          code: 'effective_from_too_early',
          params: { date: tomorrow },
        },
      ]);
    }
    await savePolicy(db, c.policy, departmentId, effectiveFrom);
    return { effectiveFrom, policy: c.policy };
  };
  const ensureDepartment = async (id: number) => {
    if (!(await departmentExists(db, id))) throw notFound('Department');
  };

  r.get(
    '/policy',
    endpoint(
      {
        summary: "The company's check-in policy: the current one and every version",
        response: { description: '{ current, versions }', schema: policyOverviewSchema },
      },
      async (_req, res) => {
        res.json({ current: await getPolicy(db), versions: await listPolicyVersions(db, null) });
      },
    ),
  );
  r.put(
    '/policy',
    endpoint(
      {
        summary: "Change the company's policy from a date (tomorrow at the earliest)",
        body: changeSchema,
        response: { description: '{ effectiveFrom, policy }', schema: policyChangeSchema },
      },
      async (_req, res, { body }) => {
        res.json(await change(null, body));
      },
    ),
  );
  r.get(
    '/departments/:id/policy',
    endpoint(
      {
        summary: "A department's policy: the one in force and the department's own versions",
        params: deptParam,
        response: { description: '{ current, versions }', schema: policyOverviewSchema },
      },
      async (_req, res, { params: { id } }) => {
        await ensureDepartment(id);
        res.json({
          current: await getPolicy(db, { departmentId: id }),
          versions: await listPolicyVersions(db, id),
        });
      },
    ),
  );
  r.put(
    '/departments/:id/policy',
    endpoint(
      {
        summary: "Change a department's own policy from a date (tomorrow at the earliest)",
        params: deptParam,
        body: changeSchema,
        response: { description: '{ effectiveFrom, policy }', schema: policyChangeSchema },
      },
      async (_req, res, { params: { id }, body }) => {
        await ensureDepartment(id);
        res.json(await change(id, body));
      },
    ),
  );
  r.put(
    '/departments/:id/time-zone',
    endpoint(
      {
        summary: "Set a department's time zone (null: the company's)",
        params: deptParam,
        body: z.object({ timeZone }).strict(),
        response: { description: '{ id, timeZone }', schema: departmentTimeZoneSchema },
      },
      async (_req, res, { params: { id }, body }) => {
        if (!(await setDepartmentTimeZone(db, id, body.timeZone))) throw notFound('Department');
        res.json({ id, timeZone: body.timeZone });
      },
    ),
  );
  r.put(
    '/employees/:id/work-pattern',
    endpoint(
      {
        summary: "Set a part-timer's weekdays and an employee's own time zone",
        params: deptParam,
        body: z
          .object({
            /** ISO weekdays worked (1 = Monday); null = every work day */
            workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullable(),
            timeZone,
          })
          .strict(),
        response: { description: '{ id, workdays, timeZone }', schema: workPatternSchema },
      },
      async (req, res, { params: { id }, body }) => {
        const scope = scopeOf(req);
        const updated = await setEmployeeWorkPattern(db, id, scope, {
          workdays: body.workdays,
          time_zone: body.timeZone,
        });
        if (!updated) throw notFound('Employee');
        res.json({ id, ...body });
      },
    ),
  );
  return r;
}
