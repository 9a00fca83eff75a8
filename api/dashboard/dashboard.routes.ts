// Dashboard figures: today's totals, compliance heat map, anomaly trend, live non-submitters. All
// read the trigger-kept department_day_stats, limited to the departments the viewer may see.
import { Router } from 'express';
import { z } from 'zod';
import { dayKind } from '../../domain/calendar/work-calendar.ts';
import { addDays, isValidDate, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { loadOverrides } from '../../db/repositories/calendar.ts';
import {
  anomalyTrend,
  consentWithdrawnToday,
  dayTotals,
  heatmapCells,
  openDayCounts,
  openDays,
} from '../../db/repositories/dashboard.ts';
import type { DepartmentScope } from '../../db/department-scope.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { departmentScope } from '../../db/repositories/reports.ts';
import { inScopeOf, scopeOf } from '../auth/permissions.ts';
import { AppError } from '../http/errors.ts';
import { issue } from '../../domain/issue-codes.ts';
import { endpoint } from '../http/contract.ts';
import { heatmapSchema, nonSubmittersSchema, todayTotalsSchema, trendSchema } from './dashboard.schemas.ts';

const date = z.string().refine(isValidDate, issue('date_format', 'expected YYYY-MM-DD'));
const rangeQuery = z.object({ from: date.optional(), to: date.optional() }).strict();
/** The longest range a chart is drawn for (a year of days). */
const MAX_RANGE_DAYS = 366;
/** How many non-submitters one page of the live list shows (most chased first); the total is always given. */
const PAGE_SIZE = 20;

/** Mounted behind authorize('health:read'): every figure is limited to the viewer's departments. */
export function dashboardRoutes(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  const today = async () => workDateAt(new Date(), (await getPolicy(db)).timeZone);
  const range = async (p: z.output<typeof rangeQuery>) => {
    const to = p.to ?? (await today());
    const from = p.from ?? addDays(to, -13);
    if (from > to || addDays(from, MAX_RANGE_DAYS) <= to) {
      throw new AppError('validation_failed', 400, 'The date range is invalid', [
        {
          field: 'from',
          message: `from must be on or before to, at most ${MAX_RANGE_DAYS} days apart`,
          ...(from > to
            ? { code: 'date_range_order' }
            : { code: 'date_range_too_long', params: { days: MAX_RANGE_DAYS } }),
        },
      ]);
    }
    return { from, to };
  };

  r.get(
    '/today',
    endpoint(
      {
        summary: "Today's totals in the caller's departments",
        response: {
          description: '{ workDate, expected, submitted, …, consentWithdrawn }',
          schema: todayTotalsSchema,
        },
      },
      async (req, res) => {
        const workDate = await today();
        const [totals, consentWithdrawn] = await Promise.all([
          dayTotals(db, workDate, scopeOf(req)),
          consentWithdrawnToday(db, workDate, scopeOf(req)),
        ]);
        res.json({ workDate, ...totals, consentWithdrawn });
      },
    ),
  );
  r.get(
    '/heatmap',
    endpoint(
      {
        summary: 'Compliance heat map: departments × days (default the last 14 days, at most 366)',
        query: rangeQuery,
        response: { description: '{ from, to, days, departments, cells }', schema: heatmapSchema },
      },
      async (req, res, { query }) => {
        const f = await range(query);
        const [rows, overrides] = await Promise.all([
          heatmapCells(db, f, scopeOf(req)),
          loadOverrides(db, f.from, f.to),
        ]);
        // Every day of the range, so a day nobody was expected on is a visible gap, not a missing column.
        const days = [];
        for (let d = f.from; d <= f.to; d = addDays(d, 1)) {
          const k = dayKind(d, overrides);
          days.push({
            date: d,
            workday: k.workday,
            name: k.source === 'company' || k.name.includes(',') ? k.name : '',
          });
        }
        // Names once per department, not once per cell: 300 departments × 90 days is 27,000 cells.
        const departments = [...new Map(rows.map((c) => [c.department_id, c.department_name])).entries()];
        res.json({
          ...f,
          days,
          departments: departments.map(([id, name]) => ({ id, name })),
          cells: rows.map((c) => ({
            department_id: c.department_id,
            work_date: c.work_date,
            expected: c.expected,
            submitted: c.submitted,
            warnings: c.warnings,
            reds: c.reds,
            rate: c.submitted / c.expected,
          })),
        });
      },
    ),
  );
  r.get(
    '/trend',
    endpoint(
      {
        summary: 'Anomaly trend: warnings and reds per day (default the last 14 days, at most 366)',
        query: rangeQuery,
        response: { description: '{ from, to, days }', schema: trendSchema },
      },
      async (req, res, { query }) => {
        const f = await range(query);
        const byDate = new Map((await anomalyTrend(db, f, scopeOf(req))).map((x) => [x.work_date, x]));
        const days = [];
        for (let d = f.from; d <= f.to; d = addDays(d, 1))
          days.push({ work_date: d, warnings: byDate.get(d)?.warnings ?? 0, reds: byDate.get(d)?.reds ?? 0 });
        res.json({ ...f, days });
      },
    ),
  );
  r.get(
    '/non-submitters',
    endpoint(
      {
        summary: "Today's non-submitters, most chased first, 20 a page, with counts per department",
        query: z
          .object({
            department: z.coerce.number().int().positive().optional(),
            page: z.coerce.number().int().min(1).max(100_000).default(1),
          })
          .strict(),
        response: {
          description: '{ workDate, total, page, perPage, departments, people }',
          schema: nonSubmittersSchema,
        },
      },
      async (req, res, { query: q }) => {
        const workDate = await today();
        const scope = scopeOf(req);
        // A chosen department includes its sub-departments, within what the viewer may see.
        const listed: DepartmentScope = q.department
          ? (await departmentScope(db, [q.department])).filter((id) => inScopeOf(scope, id))
          : scope;
        const [rows, departments] = await Promise.all([
          openDays(db, workDate, listed, PAGE_SIZE, (q.page - 1) * PAGE_SIZE),
          openDayCounts(db, workDate, scope),
        ]);
        const inList = listed === 'all' ? undefined : new Set(listed);
        const total = departments
          .filter((d) => !inList || inList.has(d.department_id))
          .reduce((n, d) => n + d.open, 0);
        res.json({
          workDate,
          total,
          page: q.page,
          perPage: PAGE_SIZE,
          departments: departments.map((d) => ({
            id: d.department_id,
            name: d.department_name,
            count: d.open,
          })),
          people: rows.map((p) => ({
            id: p.id,
            name: p.name,
            department_id: p.department_id,
            department_name: p.department_name,
            level_reached: p.level_reached,
            skipped_levels: p.skipped_levels,
            reminder_delivery: p.reminder_delivery,
          })),
        });
      },
    ),
  );
  return r;
}
