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
import { parse, route } from '../http/middleware.ts';
import { issue } from '../../domain/issue-codes.ts';

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

  const change = async (departmentId: number | null, body: unknown) => {
    const c = parse(changeSchema, body);
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
    route(async (_req, res) => {
      res.json({ current: await getPolicy(db), versions: await listPolicyVersions(db, null) });
    }),
  );
  r.put(
    '/policy',
    route(async (req, res) => {
      res.json(await change(null, req.body));
    }),
  );
  r.get(
    '/departments/:id/policy',
    route(async (req, res) => {
      const { id } = parse(deptParam, req.params, 'path');
      await ensureDepartment(id);
      res.json({
        current: await getPolicy(db, { departmentId: id }),
        versions: await listPolicyVersions(db, id),
      });
    }),
  );
  r.put(
    '/departments/:id/policy',
    route(async (req, res) => {
      const { id } = parse(deptParam, req.params, 'path');
      await ensureDepartment(id);
      res.json(await change(id, req.body));
    }),
  );
  r.put(
    '/departments/:id/time-zone',
    route(async (req, res) => {
      const { id } = parse(deptParam, req.params, 'path');
      const body = parse(z.object({ timeZone }).strict(), req.body);
      if (!(await setDepartmentTimeZone(db, id, body.timeZone))) throw notFound('Department');
      res.json({ id, timeZone: body.timeZone });
    }),
  );
  r.put(
    '/employees/:id/work-pattern',
    route(async (req, res) => {
      const { id } = parse(deptParam, req.params, 'path');
      const body = parse(
        z
          .object({
            /** ISO weekdays worked (1 = Monday); null = every work day */
            workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullable(),
            timeZone,
          })
          .strict(),
        req.body,
      );
      const scope = scopeOf(req);
      const updated = await setEmployeeWorkPattern(db, id, scope, {
        workdays: body.workdays,
        time_zone: body.timeZone,
      });
      if (!updated) throw notFound('Employee');
      res.json({ id, ...body });
    }),
  );
  return r;
}
