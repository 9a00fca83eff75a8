// Report exports: Excel streamed as it is written, PDF built and sent, large ones as the
// reportExport workflow. Limited to the caller's departments; each person sees their own exports
// (company-wide HR sees all); audit-logged.
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import { findVisibleExport, listExports } from '../../db/repositories/exports.ts';
import { isValidDate } from '../../domain/zoned-time.ts';
import {
  asciiReportFileName,
  exportFilePath,
  REPORT_CONTENT_TYPE,
  writeReport,
} from '../../reports/report-file.ts';
import { auditRead, noteAudit } from '../audit/audit-trail.ts';
import { principalOf, restrictDepartments, scopeOf } from '../auth/permissions.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { exportView, planExport, startExportWorkflow } from './exports.service.ts';
import { issue } from '../../domain/issue-codes.ts';
import { endpoint } from '../http/contract.ts';
import { exportViewSchema, reportContentTypes } from './exports.schemas.ts';
import { exportDuration } from '../../platform/metrics.ts';

const date = z.string().refine(isValidDate, issue('date_format', 'expected a calendar date YYYY-MM-DD'));
const exportSchema = z
  .object({
    from: date,
    to: date,
    departmentIds: z.array(z.number().int().positive()).max(500).default([]),
    format: z.enum(['xlsx', 'pdf']),
    /** auto: stream small exports back, run large ones as a workflow */
    mode: z.enum(['auto', 'sync', 'async']).default('auto'),
    /** why these health answers leave the system (PIPL): required, kept in the audit row */
    purpose: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((e) => e.from <= e.to, { path: ['to'], ...issue('date_range_order', 'to must not be before from') })
  .refine((e) => Date.parse(e.to) - Date.parse(e.from) <= 366 * 86_400_000, {
    path: ['to'],
    ...issue('date_range_too_long', 'at most one year per export', { days: 366 }),
  });
const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Whose exports the caller sees: undefined for company-wide scope (everybody's). */
const requesterFilter = (req: Request) => (scopeOf(req) === 'all' ? undefined : principalOf(req).actor);

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
  const findVisible = async (req: Request, id: number) => {
    const e = await findVisibleExport(db, id, requesterFilter(req));
    if (!e) throw notFound('Export');
    return e;
  };

  r.get(
    '/',
    endpoint(
      {
        summary: "The exports the caller may see (their own; everybody's with a company-wide scope)",
        response: { description: 'Exports, newest first', schema: z.array(exportViewSchema) },
      },
      async (req, res) => {
        res.json((await listExports(db, requesterFilter(req))).map(exportView));
      },
    ),
  );
  r.get(
    '/:id',
    endpoint(
      {
        summary: "One export's status",
        params: idParam,
        response: { description: 'The export', schema: exportViewSchema },
      },
      async (req, res, { params: { id } }) => {
        res.json(exportView(await findVisible(req, id)));
      },
    ),
  );
  r.get(
    '/:id/download',
    auditRead('exports.download', 'export'),
    endpoint(
      {
        summary: "Download a finished export's file (410 once it expired)",
        params: idParam,
        response: {
          description: 'The Excel or PDF file',
          contentType: reportContentTypes,
          headers: { 'Content-Disposition': 'attachment with the report file name' },
        },
        errors: ['conflict'],
      },
      async (req, res, { params: { id } }) => {
        const e = await findVisible(req, id);
        if (e.status === 'expired')
          throw new AppError('not_found', 410, 'This export has expired; request it again');
        if (e.status !== 'done') throw conflict(`This export is ${e.status}`);
        const ascii = asciiReportFileName(e.filter, e.format);
        res.setHeader('content-disposition', attachmentDisposition(e.file_name ?? ascii, ascii));
        res.type(REPORT_CONTENT_TYPE[e.format]);
        res.sendFile(exportFilePath(deps.exportDir, e.id, e.format));
      },
    ),
  );
  r.post(
    '/',
    endpoint(
      {
        summary: 'Export records as Excel or PDF: small ones streamed back, large ones as a workflow',
        body: exportSchema,
        response: {
          description: 'The file, streamed back (sync)',
          contentType: reportContentTypes,
          headers: { 'Content-Disposition': 'attachment with the report file name' },
        },
        otherResponses: [
          {
            status: 202,
            description: 'The export, run as a workflow (async): poll the Location',
            schema: exportViewSchema,
            headers: { Location: 'the export to poll: /api/exports/{id}' },
          },
        ],
      },
      async (req, res, { body: asked }) => {
        // Every report holds health data (answers, anomaly reasons): it needs a stated purpose.
        const purpose = asked.purpose ?? '';
        if (purpose === '')
          throw new AppError('validation_failed', 400, 'State the purpose of this export of health data', [
            {
              field: 'purpose',
              message: 'required: why these health answers are exported',
              code: 'purpose_required',
            },
          ]);
        const allowed = restrictDepartments(scopeOf(req), asked.departmentIds);
        const filter = { from: asked.from, to: asked.to, departmentIds: allowed === 'all' ? [] : allowed };
        noteAudit(req, {
          action: 'exports.create',
          targetType: 'export',
          detail: { ...filter, format: asked.format, purpose },
        });
        const plan = await planExport(db, asked.format, filter);
        if (asked.mode === 'async' || (asked.mode === 'auto' && plan.total > deps.syncMaxRecords)) {
          const row = await startExportWorkflow(deps, plan, principalOf(req).actor, purpose);
          res.status(202).location(`/api/exports/${row.id}`).json(exportView(row));
          return;
        }
        res.setHeader(
          'content-disposition',
          attachmentDisposition(plan.fileName, asciiReportFileName(filter, plan.format)),
        );
        res.type(REPORT_CONTENT_TYPE[plan.format]);
        const end = exportDuration.startTimer({ format: plan.format, mode: 'sync' });
        let records: number;
        try {
          ({ records } = await writeReport(
            db,
            { ...plan, exportedBy: principalOf(req).actor, purpose },
            res,
          ));
        } catch (err) {
          end({ outcome: 'failed' });
          throw err;
        }
        end({ outcome: 'done' });
        req.log.info({ records, format: plan.format, ...filter }, 'export streamed');
      },
    ),
  );
  return r;
}
