// Work calendar: what the fan-out consults before starting anybody's day (leave: api/leaves).
import { Router } from 'express';
import { z } from 'zod';
import { isYearCovered, specialDays } from '../../domain/calendar/work-calendar.ts';
import { isValidDate } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { deleteOverride, loadOverrides, upsertOverride } from '../../db/repositories/calendar.ts';
import { notFound } from '../http/errors.ts';
import { issue } from '../../domain/issue-codes.ts';
import { endpoint } from '../http/contract.ts';

const date = z.string().refine(isValidDate, issue('date_format', 'expected a calendar date YYYY-MM-DD'));
const overrideSchema = z
  .object({ kind: z.enum(['workday', 'day_off']), note: z.string().max(100).optional() })
  .strict();

export function calendarRoutes(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();

  r.get(
    '/calendar/:year',
    endpoint(
      {
        summary: "A year's work calendar: statutory holidays, make-up days and the company's overrides",
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        response: {
          description: "The year's special days",
          schema: z.object({
            year: z.number().int(),
            covered: z.boolean().meta({ description: 'statutory holidays are known for the year' }),
            warning: z.string().nullable(),
            overrides: z.array(
              z.object({
                date: z.string(),
                kind: z.enum(['workday', 'day_off']),
                note: z.string().nullable(),
              }),
            ),
            specialDays: z.array(
              z.object({ date: z.string(), workday: z.boolean(), source: z.string(), name: z.string() }),
            ),
          }),
        },
      },
      async (_req, res, { params: { year } }) => {
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
      },
    ),
  );
  r.put(
    '/calendar/overrides/:date',
    endpoint(
      {
        summary: 'Make a date a workday or a day off for the company',
        params: z.object({ date }),
        body: overrideSchema,
        response: {
          description: 'The override as sent { date, kind, note } (note left out when none was sent)',
          schema: z.strictObject({
            date: z.iso.date(),
            kind: z.enum(['workday', 'day_off']),
            note: z.string().optional(),
          }),
        },
      },
      async (_req, res, { params, body: b }) => {
        const body = { ...b, ...params };
        await upsertOverride(db, { date: body.date, kind: body.kind, note: body.note ?? null });
        res.json(body);
      },
    ),
  );
  r.delete(
    '/calendar/overrides/:date',
    endpoint(
      {
        summary: "Remove a date's override",
        params: z.object({ date }),
        response: { status: 204, description: 'Removed', contentType: null },
      },
      async (_req, res, { params: { date: d } }) => {
        if (!(await deleteOverride(db, d))) throw notFound('Calendar override');
        res.status(204).end();
      },
    ),
  );

  return r;
}
