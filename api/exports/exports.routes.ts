// Report exports: Excel streamed as it is written, PDF built and sent. Behind the admin token
// until roles land (then scoped to the caller's departments and audit-logged).
import { Router } from 'express';
import { z } from 'zod';
import { isValidDate, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { writeExcelReport } from '../../reports/excel-report.ts';
import { buildPdfReport } from '../../reports/pdf-report.ts';
import type { Logger } from '../../config/logger.ts';
import { AppError } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';

const date = z.string().refine(isValidDate, 'expected a calendar date YYYY-MM-DD');
const exportSchema = z
  .object({
    from: date,
    to: date,
    departmentIds: z.array(z.number().int().positive()).max(500).default([]),
    format: z.enum(['xlsx', 'pdf']),
  })
  .strict()
  .refine((e) => e.from <= e.to, { path: ['to'], message: 'to must not be before from' })
  .refine((e) => Date.parse(e.to) - Date.parse(e.from) <= 366 * 86_400_000, {
    path: ['to'],
    message: 'at most one year per export',
  });

export function exportRoutes(deps: { db: DB; logger: Logger }): Router {
  const { db } = deps;
  const r = Router();
  r.post(
    '/',
    route(async (req, res) => {
      const e = parse(exportSchema, req.body);
      const depts = e.departmentIds.length
        ? await db
            .selectFrom('departments')
            .select(['id', 'name'])
            .where('id', 'in', e.departmentIds)
            .execute()
        : [];
      if (depts.length !== e.departmentIds.length) {
        throw new AppError('validation_failed', 400, 'Unknown department', [
          { field: 'departmentIds', message: 'contains an unknown department' },
        ]);
      }
      const policy = await getPolicy(db);
      const filter = { from: e.from, to: e.to, departmentIds: e.departmentIds };
      const name = `health-report-${e.from}-${e.to}.${e.format}`;
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      if (e.format === 'xlsx') {
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        const { records } = await writeExcelReport(db, filter, policy.timeZone, res);
        req.log.info({ records, ...filter }, 'excel export streamed');
        return;
      }
      const now = new Date();
      const generatedAt = `${workDateAt(now, policy.timeZone)} ${new Intl.DateTimeFormat('en-GB', { timeZone: policy.timeZone, hour: '2-digit', minute: '2-digit' }).format(now)} (${policy.timeZone})`;
      const pdf = await buildPdfReport(db, filter, {
        generatedAt,
        departmentNames: depts.map((d) => d.name),
      });
      res.type('application/pdf').send(Buffer.from(pdf));
    }),
  );
  return r;
}
