// The PDF report (A4): title page, department summary, a department × day compliance grid drawn as
// coloured cells, the list of warning and red records; page numbers and generation time on every
// page; tables continue on the next page with their header repeated.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { addDays } from '../domain/zoned-time.ts';
import type { DB } from '../db/connect.ts';
import { summaryCells, type DepartmentDayFigures } from '../db/repositories/dashboard.ts';
import { subsetCjkFont } from './cjk-font.ts';
import { anomalies, departmentScope, type ReportFilter } from '../db/repositories/reports.ts';
import { departmentTree } from './report-data.ts';

const A4: [number, number] = [595.28, 841.89];
const M = 40;
const GREY = rgb(0.45, 0.45, 0.45);
const rateColour = (rate: number | null): RGB =>
  rate === null
    ? rgb(0.9, 0.9, 0.9)
    : rate >= 0.95
      ? rgb(0.55, 0.8, 0.55)
      : rate >= 0.8
        ? rgb(1, 0.85, 0.45)
        : rgb(0.95, 0.5, 0.5);

interface Table {
  widths: number[];
  header: string[];
  rows: string[][];
  fills?: (RGB | undefined)[];
}

export async function buildPdfReport(
  db: DB,
  filter: ReportFilter,
  meta: { generatedAt: string; departmentNames: string[]; watermark?: string },
): Promise<Uint8Array> {
  const scope = await departmentScope(db, filter.departmentIds);
  const days = await summaryCells(db, filter, scope);
  const abnormal = await anomalies(db, filter, scope);

  // Departments in tree order: a sub-department right under its parent, indented.
  const tree = await departmentTree(db, scope);
  const byDept = new Map<number, DepartmentDayFigures[]>();
  for (const d of days) byDept.set(d.department_id, [...(byDept.get(d.department_id) ?? []), d]);
  const depts = tree
    .filter((d) => byDept.has(d.id))
    .map((d) => ({ ...d, label: `${'  '.repeat(d.depth)}${d.name}`, rows: byDept.get(d.id) ?? [] }));
  const sum = (rows: DepartmentDayFigures[], k: 'expected' | 'submitted' | 'warnings' | 'reds') =>
    rows.reduce((n, r) => n + r[k], 0);
  const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');
  const figures = (label: string, rows: DepartmentDayFigures[]) => [
    label,
    String(sum(rows, 'expected')),
    String(sum(rows, 'submitted')),
    pct(sum(rows, 'submitted'), sum(rows, 'expected')),
    String(sum(rows, 'warnings')),
    String(sum(rows, 'reds')),
  ];
  const TOTAL_FILL = rgb(0.87, 0.92, 0.97);
  const summary: Table = {
    widths: [170, 70, 70, 70, 60, 75],
    header: ['部门 Department', '应打卡', '已提交', '打卡率', '预警', '高危'],
    rows: [...depts.map((d) => figures(d.label, d.rows)), figures('合计 Total', days)],
    fills: [...depts.map(() => undefined), TOTAL_FILL],
  };
  const severityText = { warning: '预警', red: '高危' } as const;
  const list: Table = {
    widths: [68, 70, 100, 40, 237],
    header: ['日期', '员工', '部门', '级别', '原因'],
    rows: abnormal.map((a) => [
      a.work_date,
      a.employee_name,
      a.department_name,
      a.severity === 'normal' ? '' : severityText[a.severity],
      a.reasons.map((r) => r.text.zh).join('；'),
    ]),
    fills: abnormal.map((a) => (a.severity === 'red' ? rgb(1, 0.8, 0.8) : rgb(1, 0.93, 0.7))),
  };
  const title = '员工健康打卡报告';
  const subtitle = 'Employee health check-in report';
  const legend = '图例 Legend：≥95% 绿 · ≥80% 黄 · <80% 红 · 灰 = 无数据 no data';
  const GRID_DAYS = 62;
  const dates: string[] = [];
  for (let d = filter.from; d <= filter.to && dates.length < GRID_DAYS; d = addDays(d, 1)) dates.push(d);
  const gridNote =
    dates.length < Math.round((Date.parse(filter.to) - Date.parse(filter.from)) / 86_400_000) + 1
      ? `（仅前 ${GRID_DAYS} 天 first ${GRID_DAYS} days only）`
      : '';
  const headings = [
    '部门汇总 Department summary',
    '打卡率 Compliance by day',
    '异常记录 Warning and red records',
  ];
  const filterLine = `日期 ${filter.from} 至 ${filter.to} · 部门 ${meta.departmentNames.length ? meta.departmentNames.join('、') : '全公司'}（含下级部门）`;

  // Subset the font to exactly the characters this report uses.
  const allText = [
    title,
    subtitle,
    filterLine,
    meta.generatedAt,
    meta.watermark ?? '',
    '第页生成于合计：应打卡人次，已提交异常全部月',
    legend,
    gridNote,
    ...headings,
    ...summary.header,
    ...list.header,
    ...summary.rows.flat(),
    ...dates,
    ...list.rows.flat(),
  ].join('');
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(await subsetCjkFont(allText), { subset: false });
  pdf.setTitle(`${title} ${filter.from} – ${filter.to}`);
  pdf.setCreator('health-checkin');
  if (meta.watermark) {
    pdf.setSubject(meta.watermark);
    pdf.setKeywords([meta.watermark]);
  }

  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;
  const newPage = () => {
    page = pdf.addPage(A4);
    pages.push(page);
    y = A4[1] - M;
  };
  const text = (s: string, x: number, size: number, colour = rgb(0, 0, 0), f: PDFFont = font) =>
    page.drawText(s, { x, y, size, font: f, color: colour });
  const fit = (s: string, width: number, size: number) => {
    let t = s;
    while (t.length > 1 && font.widthOfTextAtSize(t, size) > width - 4) t = t.slice(0, -1);
    return t === s ? s : `${t.slice(0, -1)}…`;
  };
  const heading = (s: string) => {
    if (y < M + 80) newPage();
    y -= 22;
    text(s, M, 14);
    y -= 10;
  };
  const drawTable = (t: Table) => {
    const rowH = 16;
    const drawRow = (cells: string[], fill?: RGB, bold = false) => {
      if (y - rowH < M + 20) {
        newPage();
        drawRow(t.header, rgb(0.87, 0.92, 0.97), true);
      }
      let x = M;
      cells.forEach((c, i) => {
        const w = t.widths[i] ?? 60;
        if (fill) page.drawRectangle({ x, y: y - rowH + 4, width: w, height: rowH, color: fill });
        page.drawText(fit(c, w, 9), {
          x: x + 2,
          y: y - rowH + 8,
          size: 9,
          font,
          color: bold ? rgb(0, 0, 0.4) : rgb(0, 0, 0),
        });
        x += w;
      });
      y -= rowH;
    };
    drawRow(t.header, rgb(0.87, 0.92, 0.97), true);
    t.rows.forEach((r, i) => drawRow(r, t.fills?.[i]));
  };

  // Title page
  newPage();
  y -= 160;
  text(title, M, 28);
  y -= 30;
  text(subtitle, M, 14, GREY);
  y -= 40;
  text(filterLine, M, 11);
  y -= 20;
  text(
    `合计：应打卡 ${days.reduce((n, d) => n + d.expected, 0)} 人次，已提交 ${days.reduce((n, d) => n + d.submitted, 0)}，异常 ${abnormal.length}`,
    M,
    11,
  );
  y -= 20;
  text(`生成于 ${meta.generatedAt}`, M, 11, GREY);

  newPage();
  heading(headings[0] as string);
  drawTable(summary);

  // Compliance grid: one row per department (tree order) and one for everybody, one cell per day,
  // under a header of months and day numbers; the legend stays on the grid's last page.
  const nameW = 120;
  const cell = Math.max(4, Math.min(14, (A4[0] - 2 * M - nameW) / Math.max(1, dates.length)));
  const labelSize = 6;
  // Day numbers where they fit: every day, or every 2nd, 3rd … when cells are narrow.
  const labelEvery = Math.ceil((font.widthOfTextAtSize('30', labelSize) + 2) / cell);
  const legendH = 26;
  const rateOf = (rows: DepartmentDayFigures[]) => {
    const byDate = new Map<string, { expected: number; submitted: number }>();
    for (const r of rows) {
      const t = byDate.get(r.work_date) ?? { expected: 0, submitted: 0 };
      byDate.set(r.work_date, { expected: t.expected + r.expected, submitted: t.submitted + r.submitted });
    }
    return (d: string) => {
      const t = byDate.get(d);
      return t?.expected ? t.submitted / t.expected : null;
    };
  };
  const gridHeader = () => {
    dates.forEach((d, i) => {
      const x = M + nameW + i * cell;
      if (i === 0 || d.endsWith('-01'))
        page.drawText(d.slice(0, 7), { x, y: y - 8, size: labelSize, font, color: GREY });
      if (i % labelEvery === 0)
        page.drawText(String(Number(d.slice(8))), {
          x: x + 1,
          y: y - 17,
          size: labelSize,
          font,
          color: GREY,
        });
    });
    y -= 20;
  };
  const gridRows = [
    ...depts.map((d) => ({ label: d.label, rate: rateOf(d.rows) })),
    { label: '全部 All', rate: rateOf(days) },
  ];
  // The heading never ends a page alone: it needs its header, a row and (for one row) the legend.
  if (y - 32 - 20 - cell - (gridRows.length === 1 ? legendH : 0) < M + 20) newPage();
  heading(`${headings[1] as string}${gridNote}`);
  gridHeader();
  gridRows.forEach(({ label, rate }, n) => {
    const isLast = n === gridRows.length - 1;
    if (y - cell - (isLast ? legendH : 0) < M + 20) {
      newPage();
      gridHeader();
    }
    page.drawText(fit(label, nameW, 8), { x: M, y: y - cell + 2, size: 8, font });
    dates.forEach((d, i) => {
      page.drawRectangle({
        x: M + nameW + i * cell,
        y: y - cell,
        width: cell - 1,
        height: cell - 1,
        color: rateColour(rate(d)),
      });
    });
    y -= cell;
  });
  y -= 14;
  text(legend, M, 8, GREY);

  heading(headings[2] as string);
  drawTable(list);

  pages.forEach((p, i) => {
    p.drawText(`第 ${i + 1} / ${pages.length} 页 · 生成于 ${meta.generatedAt}`, {
      x: M,
      y: 20,
      size: 8,
      font,
      color: GREY,
    });
    // the watermark: who exported this and when (and why), on every page
    if (meta.watermark)
      p.drawText(fit(meta.watermark, p.getWidth() - 2 * M, 8), {
        x: M,
        y: p.getHeight() - 18,
        size: 8,
        font,
        color: GREY,
      });
  });
  return pdf.save();
}
