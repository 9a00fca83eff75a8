// What the dashboard routes answer (their contracts' response schemas).
import { z } from 'zod';
import { calendarDate, count, id } from '../http/response-schemas.ts';

/** GET /api/dashboard/today: the day's totals in the caller's departments. */
export const todayTotalsSchema = z.strictObject({
  workDate: calendarDate,
  expected: count,
  submitted: count,
  pending: count,
  /** records with a warning or a red */
  anomalies: count,
  missed: count,
  exempt: count,
  /** people not asked today because they withdrew consent */
  consentWithdrawn: count,
});

/** GET /api/dashboard/heatmap: departments × days. */
export const heatmapSchema = z.strictObject({
  from: calendarDate,
  to: calendarDate,
  /** every day of the range, a day nobody was expected on included */
  days: z.array(
    z.strictObject({
      date: calendarDate,
      workday: z.boolean(),
      /** the holiday's or the company override's name, empty on ordinary days */
      name: z.string(),
    }),
  ),
  departments: z.array(z.strictObject({ id, name: z.string() })),
  cells: z.array(
    z.strictObject({
      department_id: id,
      work_date: calendarDate,
      expected: count,
      submitted: count,
      warnings: count,
      reds: count,
      /** submitted / expected */
      rate: z.number().min(0),
    }),
  ),
});

/** GET /api/dashboard/trend: warnings and reds per day. */
export const trendSchema = z.strictObject({
  from: calendarDate,
  to: calendarDate,
  days: z.array(z.strictObject({ work_date: calendarDate, warnings: count, reds: count })),
});

/** GET /api/dashboard/non-submitters: one page of today's people without a record. */
export const nonSubmittersSchema = z.strictObject({
  workDate: calendarDate,
  total: count,
  page: z.number().int().min(1),
  perPage: z.number().int().min(1),
  /** open days per department (the list's filter) */
  departments: z.array(z.strictObject({ id, name: z.string(), count })),
  people: z.array(
    z.strictObject({
      id,
      name: z.string(),
      department_id: id,
      department_name: z.string(),
      level_reached: count,
      /** reminder levels skipped (no one to send them to, or turned off) */
      skipped_levels: z.array(z.number().int()),
      /** 已读/未读 of their level-1 notification */
      reminder_delivery: z.enum(['read', 'unread', 'failed', 'forbidden']).nullable(),
    }),
  ),
});
