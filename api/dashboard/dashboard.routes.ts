// Dashboard figures: today's totals, compliance heat map, anomaly trend, live non-submitters.
import { Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { addDays, isValidDate, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { compliance, departmentScope, nonSubmitters } from '../../reports/report-data.ts';
import { parse, route } from '../http/middleware.ts';

const date = z.string().refine(isValidDate, 'expected YYYY-MM-DD');
const rangeQuery = z.object({ from: date.optional(), to: date.optional() }).strict();

export function dashboardRoutes(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  const today = async () => workDateAt(new Date(), (await getPolicy(db)).timeZone);
  const range = async (q: unknown) => {
    const p = parse(rangeQuery, q, 'query');
    const to = p.to ?? (await today());
    return { from: p.from ?? addDays(to, -13), to };
  };

  r.get(
    '/today',
    route(async (_req, res) => {
      const workDate = await today();
      const t = await db
        .selectFrom('checkin_days as c')
        .leftJoin('health_records as h', (j) =>
          j
            .onRef('h.employee_id', '=', 'c.employee_id')
            .onRef('h.work_date', '=', 'c.work_date')
            .on('h.is_current', '=', true),
        )
        .select([
          sql<number>`count(*) filter (where c.outcome <> 'exempt')::int`.as('expected'),
          sql<number>`count(h.id)::int`.as('submitted'),
          sql<number>`count(*) filter (where c.outcome = 'pending' and h.id is null)::int`.as('pending'),
          sql<number>`count(*) filter (where h.severity <> 'normal')::int`.as('anomalies'),
          sql<number>`count(*) filter (where c.outcome = 'missed')::int`.as('missed'),
          sql<number>`count(*) filter (where c.outcome = 'exempt')::int`.as('exempt'),
        ])
        .where('c.work_date', '=', workDate)
        .executeTakeFirstOrThrow();
      res.json({ workDate, ...t });
    }),
  );
  r.get(
    '/heatmap',
    route(async (req, res) => {
      const f = await range(req.query);
      const rows = await compliance(db, { ...f, departmentIds: [] }, await departmentScope(db, []));
      res.json({
        ...f,
        cells: rows.map((c) => ({ ...c, rate: c.expected ? c.submitted / c.expected : null })),
      });
    }),
  );
  r.get(
    '/trend',
    route(async (req, res) => {
      const f = await range(req.query);
      const rows = await db
        .selectFrom('health_records')
        .select([
          'work_date',
          sql<number>`count(*) filter (where severity = 'warning')::int`.as('warnings'),
          sql<number>`count(*) filter (where severity = 'red')::int`.as('reds'),
        ])
        .where('is_current', '=', true)
        .where('work_date', '>=', f.from)
        .where('work_date', '<=', f.to)
        .groupBy('work_date')
        .orderBy('work_date')
        .execute();
      const byDate = new Map(rows.map((x) => [x.work_date, x]));
      const days = [];
      for (let d = f.from; d <= f.to; d = addDays(d, 1))
        days.push({ work_date: d, warnings: byDate.get(d)?.warnings ?? 0, reds: byDate.get(d)?.reds ?? 0 });
      res.json({ ...f, days });
    }),
  );
  r.get(
    '/non-submitters',
    route(async (req, res) => {
      const q = parse(
        z.object({ department: z.coerce.number().int().positive().optional() }).strict(),
        req.query,
        'query',
      );
      const workDate = await today();
      const filter = { from: workDate, to: workDate, departmentIds: q.department ? [q.department] : [] };
      const rows = await nonSubmitters(db, filter, await departmentScope(db, filter.departmentIds));
      // Most chased first: the HR call level, then the manager level, then the rest.
      const people = rows
        .map((r) => ({
          id: r.employee_id,
          name: r.employee_name,
          department_id: r.department_id,
          department_name: r.department_name,
          level_reached: r.level_reached,
        }))
        .sort((a, b) => b.level_reached - a.level_reached);
      res.json({ workDate, people });
    }),
  );
  return r;
}
