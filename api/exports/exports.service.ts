// Exports: what the API shows of one, and deciding a request — streamed now, or the reportExport
// workflow for a large one. The rows live in db/repositories/exports.ts, the files in reports/.
import type { Client } from '@temporalio/client';
import { exportWorkflowId } from '../../domain/workflow-ids.ts';
import type { DB } from '../../db/connect.ts';
import { insertExport, type ExportRow } from '../../db/repositories/exports.ts';
import { countRecords, departmentScope, type ReportFilter } from '../../db/repositories/reports.ts';
import { departmentNames, reportFileName, type ReportFormat } from '../../reports/report-file.ts';
import { reportExport } from '../../workflows/report-export.ts';
import { AppError } from '../http/errors.ts';

export function exportView(e: ExportRow) {
  return {
    id: e.id,
    format: e.format,
    filter: e.filter,
    status: e.status,
    progress: e.progress,
    total: e.total,
    percent:
      e.status === 'done' ? 100 : e.total ? Math.min(100, Math.round((e.progress / e.total) * 100)) : 0,
    fileName: e.file_name,
    createdAt: e.created_at,
    finishedAt: e.finished_at,
    expiresAt: e.expires_at,
    error: e.error,
    purpose: e.purpose,
    downloadUrl: e.status === 'done' ? `/api/exports/${e.id}/download` : null,
  };
}

export interface PlannedExport {
  format: ReportFormat;
  filter: ReportFilter;
  fileName: string;
  /** records in range: above the sync limit the export runs as a workflow */
  total: number;
}

/** Checks the departments and counts the records an export of this filter holds. */
export async function planExport(db: DB, format: ReportFormat, filter: ReportFilter): Promise<PlannedExport> {
  const names = await departmentNames(db, filter.departmentIds);
  if (names.length !== new Set(filter.departmentIds).size) {
    throw new AppError('validation_failed', 400, 'Unknown department', [
      { field: 'departmentIds', message: 'contains an unknown department', code: 'unknown_department' },
    ]);
  }
  const total = await countRecords(db, filter, await departmentScope(db, filter.departmentIds));
  return { format, filter, fileName: reportFileName(filter, format, names), total };
}

/** Records the export and starts its workflow (id `export-<id>`). */
export async function startExportWorkflow(
  deps: { db: DB; temporal: Client; taskQueue: string },
  plan: PlannedExport,
  requestedBy: string,
  purpose: string | null,
): Promise<ExportRow> {
  const row = await insertExport(deps.db, { ...plan, requestedBy, purpose });
  await deps.temporal.workflow.start(reportExport, {
    taskQueue: deps.taskQueue,
    workflowId: exportWorkflowId(row.id),
    args: [{ exportId: row.id }],
  });
  return row;
}
