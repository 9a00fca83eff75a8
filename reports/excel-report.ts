// The Excel report, streamed: rows are written and committed as they are read, so a 100k-record
// export never holds the workbook in memory.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { removedByRetention } from '../domain/forms/render-answers.ts';
import { isRemovedByRetention, photoIdOf } from '../domain/privacy/minimisation.ts';
import { wallClockDate } from '../domain/zoned-time.ts';
import { reminderProgressText } from '../domain/reminders/progress.ts';
import type { DB } from '../db/connect.ts';
import { summaryCells } from '../db/repositories/dashboard.ts';
import {
  departmentScope,
  consentWithdrawnDays,
  nonSubmitters,
  reportRecords,
  type ReportFilter,
} from '../db/repositories/reports.ts';
import { departmentTree, reportColumns, type ReportColumn } from './report-data.ts';

const FILL = {
  red: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } },
  warning: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } },
  header: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } },
} as const;
const SEVERITY_TEXT = { normal: '正常', warning: '预警', red: '高危' } as const;
const REVIEW_TEXT: Record<string, string> = {
  pending: '待复核',
  recheck_requested: '待复测',
  approved: '已通过',
  rejected: '未通过',
};

const dateCell = (d: string) => new Date(`${d}T00:00:00Z`);

/** An answer as HR reads it: option codes become their labels (green → 绿码). */
function cellValue(column: ReportColumn, v: unknown): ExcelJS.CellValue {
  const label = (x: unknown) => (typeof x === 'string' ? (column.options.get(x)?.zh ?? x) : String(x));
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return label(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.map(label).join('、');
  // a photo or location the retention policy removed says so (the record keeps only the marker)
  if (isRemovedByRetention(v)) return `${removedByRetention.zh} (${removedByRetention.en})`;
  const photoId = photoIdOf(v);
  if (photoId !== undefined) return `照片 ${photoId}`;
  return JSON.stringify(v);
}

/** Columns Excel needs for the text: CJK characters are two wide. */
const displayWidth = (s: string) => [...s].reduce((n, c) => n + ((c.codePointAt(0) ?? 0) <= 0xff ? 1 : 2), 0);

/** Bold, filled header row with a filter over all its columns, each wide enough for its header. */
function header(ws: ExcelJS.Worksheet, cols: { header: string; width: number }[], watermark?: string) {
  ws.columns = cols.map((c) => ({ header: c.header, width: Math.max(c.width, displayWidth(c.header) + 3) }));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.eachCell((cell) => {
    cell.fill = FILL.header;
  });
  // the watermark as a note on the first header cell (the header and footer print it too)
  if (watermark) row.getCell(1).note = watermark;
  row.commit();
}

export async function writeExcelReport(
  db: DB,
  filter: ReportFilter,
  timeZone: string,
  out: Writable,
  onProgress?: (rows: number) => void,
  watermark?: string,
): Promise<{ records: number }> {
  const scope = await departmentScope(db, filter.departmentIds);
  const columns = await reportColumns(db, filter, scope);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'health-checkin';
  if (watermark) {
    wb.description = watermark;
    wb.keywords = watermark;
  }
  // printed on every page (`&` is Excel's header code: doubled to print as itself)
  const printed = watermark?.replaceAll('&', '&&');
  const frozen: Partial<ExcelJS.AddWorksheetOptions> = {
    views: [{ state: 'frozen', ySplit: 1 }],
    ...(printed ? { headerFooter: { oddHeader: `&L${printed}`, oddFooter: `&L${printed}&R&P / &N` } } : {}),
  };
  const records = wb.addWorksheet('记录 Records', frozen);
  const fixed = [
    { header: '日期 Date', width: 12 },
    { header: '员工 Employee', width: 12 },
    { header: '部门 Department', width: 16 },
  ];
  const tail = [
    { header: '异常 Severity', width: 10 },
    { header: '提交时间 Submitted at', width: 20 },
    { header: '迟交 Late', width: 8 },
    { header: '代填 Proxy', width: 12 },
    { header: '复核 Review', width: 10 },
    { header: '表单版本 Form', width: 8 },
  ];
  header(
    records,
    [...fixed, ...columns.map((c) => ({ header: `${c.label.zh} ${c.label.en}`, width: 10 })), ...tail],
    watermark,
  );
  const lastCol = fixed.length + columns.length + tail.length;
  let count = 0;
  for await (const page of reportRecords(db, filter, scope)) {
    for (const r of page) {
      const row = records.addRow([
        dateCell(r.work_date),
        r.employee_name,
        r.department_name,
        ...columns.map((c) => cellValue(c, r.answers[c.key])),
        SEVERITY_TEXT[r.severity],
        wallClockDate(r.submitted_at, timeZone),
        r.status === 'late' ? '是' : '否',
        r.proxy_name ? `是 ${r.proxy_name}` : '否',
        r.review_status ? (REVIEW_TEXT[r.review_status] ?? r.review_status) : null,
        r.form_version,
      ]);
      row.getCell(1).numFmt = 'yyyy-mm-dd';
      row.getCell(fixed.length + columns.length + 2).numFmt = 'yyyy-mm-dd hh:mm:ss';
      if (r.severity !== 'normal') {
        const fill = FILL[r.severity];
        for (let c = 1; c <= lastCol; c++) row.getCell(c).fill = fill;
      }
      row.commit();
      count++;
    }
    onProgress?.(count);
  }
  records.commit();

  const summary = wb.addWorksheet('汇总 Summary', frozen);
  header(summary, [
    { header: '部门 Department', width: 16 },
    { header: '日期 Date', width: 12 },
    { header: '应打卡 Expected', width: 10 },
    { header: '已提交 Submitted', width: 10 },
    { header: '打卡率 Rate', width: 10 },
    { header: '预警 Warnings', width: 10 },
    { header: '高危 Reds', width: 10 },
  ]);
  // Departments in tree order (a sub-department under its parent, indented), then by date.
  const tree = await departmentTree(db, scope);
  const place = new Map(tree.map((d, i) => [d.id, i]));
  const cells = (await summaryCells(db, filter, scope)).sort(
    (a, b) =>
      (place.get(a.department_id) ?? Infinity) - (place.get(b.department_id) ?? Infinity) ||
      a.work_date.localeCompare(b.work_date),
  );
  const total = { expected: 0, submitted: 0, warnings: 0, reds: 0 };
  for (const c of cells) {
    const row = summary.addRow([
      c.department_name,
      dateCell(c.work_date),
      c.expected,
      c.submitted,
      c.expected ? c.submitted / c.expected : null,
      c.warnings,
      c.reds,
    ]);
    row.getCell(1).alignment = { indent: tree[place.get(c.department_id) ?? -1]?.depth ?? 0 };
    row.getCell(2).numFmt = 'yyyy-mm-dd';
    row.getCell(5).numFmt = '0.0%';
    row.commit();
    for (const k of ['expected', 'submitted', 'warnings', 'reds'] as const) total[k] += c[k];
  }
  // Totals as formulas (they follow HR's edits) with their values cached for readers that do not compute.
  const last = cells.length + 1;
  const sum = (col: string, result: number) => ({ formula: `SUM(${col}2:${col}${last})`, result });
  const totals = summary.addRow([
    '合计 Total',
    null,
    sum('C', total.expected),
    sum('D', total.submitted),
    {
      formula: `IF(C${last + 1}=0,"",D${last + 1}/C${last + 1})`,
      result: total.expected ? total.submitted / total.expected : '',
    },
    sum('F', total.warnings),
    sum('G', total.reds),
  ]);
  totals.font = { bold: true };
  totals.getCell(5).numFmt = '0.0%';
  totals.eachCell((cell) => {
    cell.fill = FILL.header;
    cell.border = { top: { style: 'thin' } };
  });
  totals.commit();
  summary.commit();

  const missing = wb.addWorksheet('未提交 Non-submitters', frozen);
  header(missing, [
    { header: '日期 Date', width: 12 },
    { header: '员工 Employee', width: 12 },
    { header: '部门 Department', width: 16 },
    { header: '提醒级别 Level reached', width: 12 },
  ]);
  for (const m of await nonSubmitters(db, filter, scope)) {
    const row = missing.addRow([
      dateCell(m.work_date),
      m.employee_name,
      m.department_name,
      reminderProgressText(m.level_reached, m.skipped_levels),
    ]);
    row.getCell(1).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  missing.commit();

  // people who withdrew consent are not asked: shown as such, never among the non-submitters
  const withdrawn = wb.addWorksheet('撤回同意 Consent withdrawn', frozen);
  header(withdrawn, [
    { header: '日期 Date', width: 12 },
    { header: '员工 Employee', width: 12 },
    { header: '部门 Department', width: 16 },
  ]);
  for (const w of await consentWithdrawnDays(db, filter, scope)) {
    const row = withdrawn.addRow([dateCell(w.work_date), w.employee_name, w.department_name]);
    row.getCell(1).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  withdrawn.commit();
  await wb.commit();
  return { records: count };
}
