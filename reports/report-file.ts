// One report file, whichever path asks for it (the API streaming a small export, the reportExport
// workflow writing a large one): its name, its "generated at" and its bytes, written to a stream.
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { DB } from '../db/connect.ts';
import { findDepartmentNames } from '../db/repositories/org.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { workDateAt } from '../domain/zoned-time.ts';
import { writeExcelReport } from './excel-report.ts';
import { buildPdfReport } from './pdf-report.ts';
import { countRecords, departmentScope, type ReportFilter } from '../db/repositories/reports.ts';

export type ReportFormat = 'xlsx' | 'pdf';

export const REPORT_CONTENT_TYPE: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** Names of the requested departments, once each in the order asked (unknown ids are left out). */
export async function departmentNames(db: DB, ids: readonly number[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await findDepartmentNames(db, unique);
  const name = new Map(rows.map((r) => [r.id, r.name]));
  return unique.flatMap((id) => name.get(id) ?? []);
}

/** Characters no file system or browser keeps in a file name (and control characters) become "-". */
const UNSAFE = /[\\/:*?"<>|]+/g;
const safeName = (s: string) =>
  [...s]
    .map((c) => ((c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f' ? '-' : c))
    .join('')
    .replace(UNSAFE, '-');

/** What the download is called: 健康打卡_研发部_2026-11-01_2026-11-30.pdf (全公司 for everybody). */
export function reportFileName(filter: ReportFilter, format: ReportFormat, names: readonly string[]): string {
  const who =
    names.length === 0
      ? '全公司'
      : names.length <= 3
        ? names.join('、')
        : `${names.slice(0, 3).join('、')}等${names.length}个部门`;
  return `健康打卡_${safeName(who)}_${filter.from}_${filter.to}.${format}`;
}

/** The same name in ASCII, for clients that do not read RFC 5987 `filename*`. */
export const asciiReportFileName = (filter: ReportFilter, format: ReportFormat) =>
  `health-checkin_${filter.from}_${filter.to}.${format}`;

/** "2026-11-30 14:05 (Asia/Shanghai)": when the report was generated, on the company's clock. */
export function generatedAtLabel(now: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${workDateAt(now, timeZone)} ${time.format(now)} (${timeZone})`;
}

/**
 * Writes the report to `out` and ends it; `onProgress` hears the records written so far (the PDF,
 * drawn in one go, reports them once at the end). Returns how many records the file holds.
 */
export async function writeReport(
  db: DB,
  request: {
    format: ReportFormat;
    filter: ReportFilter;
    now?: Date;
    /** who exported it (the principal's actor) and why: the watermark on every page */
    exportedBy?: string | null;
    purpose?: string | null;
  },
  out: Writable,
  onProgress?: (records: number) => void,
): Promise<{ records: number }> {
  const { filter } = request;
  const { timeZone } = await getPolicy(db);
  const generatedAt = generatedAtLabel(request.now ?? new Date(), timeZone);
  const watermark = request.exportedBy
    ? exportWatermark(request.exportedBy, generatedAt, request.purpose ?? null)
    : undefined;
  let records: number;
  if (request.format === 'xlsx') {
    records = (await writeExcelReport(db, filter, timeZone, out, onProgress, watermark)).records;
  } else {
    const pdf = await buildPdfReport(db, filter, {
      generatedAt,
      departmentNames: await departmentNames(db, filter.departmentIds),
      ...(watermark ? { watermark } : {}),
    });
    records = await countRecords(db, filter, await departmentScope(db, filter.departmentIds));
    out.end(Buffer.from(pdf));
    onProgress?.(records);
  }
  await finished(out);
  return { records };
}

/** "导出人 Exported by employee:12 · 2026-11-30 14:05 (Asia/Shanghai) · 用途 Purpose: …" */
export function exportWatermark(exportedBy: string, generatedAt: string, purpose: string | null): string {
  return `导出人 Exported by ${exportedBy} · ${generatedAt}` + (purpose ? ` · 用途 Purpose: ${purpose}` : '');
}

/** Where the reportExport workflow keeps an export's file until it expires. */
export function exportFilePath(dir: string, id: number, format: ReportFormat): string {
  return resolve(join(dir, `export-${id}.${format}`));
}
