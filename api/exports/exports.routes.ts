// Report exports: Excel streamed as it is written, PDF built and sent. Limited to the caller's
// departments; each person sees their own exports (company-wide HR sees all); audit-logged.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Selectable } from 'kysely';
import { exportFilePath } from '../../activities/report-export.ts';
import type { ExportsTable } from '../../db/database.ts';
import { countRecords, departmentScope } from '../../reports/report-data.ts';
import { z } from 'zod';
import { isValidDate, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { writeExcelReport } from '../../reports/excel-report.ts';
import { buildPdfReport } from '../../reports/pdf-report.ts';
import type { Logger } from '../../config/logger.ts';
import { auditRead, noteAudit } from '../audit/audit-trail.ts';
import { principalOf, restrictDepartments, scopeOf } from '../auth/permissions.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';

const date = z.string().refine(isValidDate, 'expected a calendar date YYYY-MM-DD');
const exportSchema = z
  .object({
    from: date,
    to: date,
    departmentIds: z.array(z.number().int().positive()).max(500).default([]),
    format: z.enum(['xlsx', 'pdf']),
    /** auto: stream small exports back, run large ones as a workflow */
    mode: z.enum(['auto', 'sync', 'async']).default('auto'),
  })
  .strict()
  .refine((e) => e.from <= e.to, { path: ['to'], message: 'to must not be before from' })
  .refine((e) => Date.parse(e.to) - Date.parse(e.from) <= 366 * 86_400_000, {
    path: ['to'],
    message: 'at most one year per export',
  });

export function exportRoutes(deps: {
  db: DB;
  logger: Logger;
  temporal: Client;
  taskQueue: string;
  exportDir: string;
  syncMaxRecords: number;
}): Router {
  const { db } = deps;
  const r = Router();
  const view = (e: Selectable<ExportsTable>) => ({
    id: e.id,
    format: e.format,
    filter: e.filter,
    status: e.status,
    progress: e.progress,
    total: e.total,
    percent: e.total
      ? Math.min(100, Math.round((e.progress / e.total) * 100))
      : e.status === 'done'
        ? 100
        : 0,
    createdAt: e.created_at,
    finishedAt: e.finished_at,
    expiresAt: e.expires_at,
    error: e.error,
    downloadUrl: e.status === 'done' ? `/api/exports/${e.id}/download` : null,
  });
  const idParam = z.object({ id: z.coerce.number().int().positive() });
  /** Exports the caller may see: their own, or every one for company-wide scope. */
  const visible = (req: Parameters<typeof scopeOf>[0]) => {
    const q = db.selectFrom('exports').selectAll();
    return scopeOf(req) === 'all' ? q : q.where('requested_by', '=', principalOf(req).actor);
  };
  const findVisible = async (req: Parameters<typeof scopeOf>[0]) => {
    const { id } = parse(idParam, req.params, 'path');
    const e = await visible(req).where('id', '=', id).executeTakeFirst();
    if (!e) throw notFound('Export');
    return e;
  };

  r.get(
    '/',
    route(async (req, res) => {
      res.json((await visible(req).orderBy('id', 'desc').limit(100).execute()).map(view));
    }),
  );
  r.get(
    '/:id',
    route(async (req, res) => {
      res.json(view(await findVisible(req)));
    }),
  );
  r.get(
    '/:id/download',
    auditRead('exports.download', 'export'),
    route(async (req, res) => {
      const e = await findVisible(req);
      if (e.status === 'expired')
        throw new AppError('not_found', 410, 'This export has expired; request it again');
      if (e.status !== 'done') throw conflict(`This export is ${e.status}`);
      res.setHeader(
        'content-disposition',
        `attachment; filename="${e.file_name ?? `export-${e.id}.${e.format}`}"`,
      );
      res.type(
        e.format === 'pdf'
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      res.sendFile(exportFilePath(deps.exportDir, e.id, e.format));
    }),
  );
  r.post(
    '/',
    route(async (req, res) => {
      const asked = parse(exportSchema, req.body);
      const allowed = restrictDepartments(scopeOf(req), asked.departmentIds);
      const e = { ...asked, departmentIds: allowed === 'all' ? [] : allowed };
      noteAudit(req, {
        action: 'exports.create',
        targetType: 'export',
        detail: { from: e.from, to: e.to, format: e.format, departmentIds: e.departmentIds },
      });
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
      const total = await countRecords(db, filter, await departmentScope(db, filter.departmentIds));
      if (e.mode === 'async' || (e.mode === 'auto' && total > deps.syncMaxRecords)) {
        const row = await db
          .insertInto('exports')
          .values({
            format: e.format,
            filter: JSON.stringify(filter),
            total,
            requested_by: principalOf(req).actor,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await deps.temporal.workflow.start('reportExport', {
          taskQueue: deps.taskQueue,
          workflowId: `export-${row.id}`,
          args: [{ exportId: row.id }],
        });
        res.status(202).location(`/api/exports/${row.id}`).json(view(row));
        return;
      }
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
