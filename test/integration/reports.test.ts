// Excel and PDF exports read back: values, types, fills and arithmetic against the database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { addDays, workDateAt } from '../../domain/zoned-time.ts';
import { anomalyTrend } from '../../db/repositories/dashboard.ts';
import {
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { testEnv } from '../helpers/test-env.ts';

let ctx: TestContext;
let parent: TestDepartment;
let child: TestDepartment;
let today: string;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  parent = await ctx.department({ size: 2 });
  child = await ctx.department({ size: 2 });
  await ctx.db
    .updateTable('departments')
    .set({ parent_id: parent.id, name: '研发二组' })
    .where('id', '=', child.id)
    .execute();
  await ctx.db.updateTable('departments').set({ name: '研发部' }).where('id', '=', parent.id).execute();
  await ctx.rename([parent.members[0] as TestEmployee, '张伟'], [child.members[0] as TestEmployee, '李娜']);
  // Everybody is expected today; three submit (one red, one warning), one does not.
  today = (await ctx.expectToday([...parent.members, ...child.members])).workDate;
  const submit = async (e: TestEmployee, answers: Record<string, unknown>) =>
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers })).status, 201);
  await submit(parent.members[0] as TestEmployee, {
    ...validAnswers,
    temperature: 38.5,
    symptoms: ['fever'],
  });
  await submit(parent.members[1] as TestEmployee, validAnswers);
  await submit(child.members[0] as TestEmployee, { ...validAnswers, healthCode: 'yellow' });
});
after(async () => ctx.close());

async function exportFile(body: Record<string, unknown>) {
  const res = await fetch(`${ctx.apiUrl}/api/exports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
    body: JSON.stringify({ purpose: '月度健康报告 monthly report', ...body }),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    data: Buffer.from(await res.arrayBuffer()),
  };
}

/** The name a browser saves the download under (RFC 5987 `filename*`), and the ASCII fallback. */
function downloadNames(disposition: string) {
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  return { name: encoded && decodeURIComponent(encoded), ascii: /filename="([^"]+)"/.exec(disposition)?.[1] };
}

/** The text of one PDF page, as laid out. */
const pdfPage = (file: string, n: number) =>
  execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), file, '-']).toString();
const pdfPages = (file: string) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())?.[1] ?? 0);

describe('exports', () => {
  test('Excel: records with real dates and numbers, severity fills, summary arithmetic, non-submitters', async () => {
    const res = await exportFile({ from: today, to: today, departmentIds: [parent.id], format: 'xlsx' });
    assert.equal(res.status, 200);
    assert.match(res.type, /spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.data as unknown as ArrayBuffer);
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      ['记录 Records', '汇总 Summary', '未提交 Non-submitters', '撤回同意 Consent withdrawn'],
    );

    const ws = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const col = (prefix: string) => head.findIndex((h) => h.startsWith(prefix)) + 1;
    assert.ok(col('体温') > 0 && col('健康码颜色') > 0 && col('异常') > 0);
    const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2));
    assert.equal(rows.length, 3, 'sub-department records are included');
    const zhang = rows.find((r) => r.getCell(2).value === '张伟');
    assert.ok(zhang);
    assert.ok(zhang.getCell(1).value instanceof Date);
    assert.equal((zhang.getCell(1).value as Date).toISOString().slice(0, 10), today);
    assert.equal(zhang.getCell(col('体温')).value, 38.5);
    assert.equal(zhang.getCell(col('异常')).value, '高危');
    assert.equal((zhang.getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb, 'FFFFC7CE');
    const li = rows.find((r) => r.getCell(2).value === '李娜');
    assert.equal((li?.getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb, 'FFFFEB9C');
    assert.equal(li?.getCell(3).value, '研发二组');
    assert.ok(ws.views[0] && (ws.views[0] as { state: string }).state === 'frozen');
    // Answers as HR reads them: option labels, not codes.
    assert.equal(zhang.getCell(col('健康码颜色')).value, '绿码');
    assert.equal(zhang.getCell(col('症状')).value, '发热');
    assert.equal(li?.getCell(col('健康码颜色')).value, '黄码');
    // Every bilingual header fits its column (CJK characters are two wide).
    for (const sheet of wb.worksheets) {
      sheet.getRow(1).eachCell((cell, c) => {
        const text = cell.text;
        const needed = [...text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0);
        assert.ok((sheet.getColumn(c).width ?? 0) >= needed, `${sheet.name}: ${text} fits`);
      });
    }
    assert.deepEqual(downloadNames(res.disposition), {
      name: `健康打卡_研发部_${today}_${today}.xlsx`,
      ascii: `health-checkin_${today}_${today}.xlsx`,
    });

    const summary = wb.getWorksheet('汇总 Summary') as ExcelJS.Worksheet;
    const byDept = new Map<string, unknown[]>();
    summary.eachRow((r, i) => {
      if (i > 1) byDept.set(r.getCell(1).text, (r.values as unknown[]).slice(1));
    });
    // Tree order: the parent first, its sub-department after it (by code point 二 sorts before 部).
    assert.deepEqual([...byDept.keys()], ['研发部', '研发二组', '合计 Total']);
    for (const d of [parent, child]) {
      const name = d.id === parent.id ? '研发部' : '研发二组';
      const expected = await ctx.db
        .selectFrom('checkin_days')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('department_id', '=', d.id)
        .where('work_date', '=', today)
        .executeTakeFirstOrThrow();
      const submitted = await ctx.db
        .selectFrom('health_records')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('department_id', '=', d.id)
        .where('work_date', '=', today)
        .executeTakeFirstOrThrow();
      const [, , exp, sub, rate] = byDept.get(name) ?? [];
      assert.deepEqual([exp, sub], [Number(expected.n), Number(submitted.n)], name);
      assert.equal(rate, Number(submitted.n) / Number(expected.n));
    }
    // The totals row: sums as formulas with their values (4 expected, 3 submitted, 1 warning, 1 red).
    const totals = summary.getRow(summary.rowCount);
    const result = (c: number) => (totals.getCell(c).value as ExcelJS.CellFormulaValue).result;
    assert.deepEqual([3, 4, 5, 6, 7].map(result), [4, 3, 0.75, 1, 1]);
    assert.equal((totals.getCell(3).value as ExcelJS.CellFormulaValue).formula, 'SUM(C2:C3)');
    const missing = wb.getWorksheet('未提交 Non-submitters') as ExcelJS.Worksheet;
    assert.equal(missing.rowCount - 1, 1, 'the one expected member without a record');
    assert.equal(missing.getRow(2).getCell(2).value, (child.members[1] as TestEmployee).name);
  });

  test('a red record on a day of leave counts in the summary as on the dashboard trend', async () => {
    const away = await ctx.department({ size: 1 });
    const e = away.members[0] as TestEmployee;
    await ctx.expectToday([e]);
    await ctx.db
      .updateTable('checkin_days')
      .set({ outcome: 'exempt' })
      .where('employee_id', '=', e.id)
      .execute();
    const res = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 39.1 },
    });
    assert.equal(res.status, 201);

    const xlsx = await exportFile({ from: today, to: today, departmentIds: [away.id], format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.data as unknown as ArrayBuffer);
    const records = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    assert.equal(records.rowCount - 1, 1);
    const summary = wb.getWorksheet('汇总 Summary') as ExcelJS.Worksheet;
    assert.equal(summary.rowCount - 2, 1, 'one department-day and the totals row');
    // expected, submitted, rate, warnings, reds: nobody was expected, the red still counts
    assert.deepEqual(
      [3, 4, 5, 6, 7].map((c) => summary.getRow(2).getCell(c).value),
      [0, 0, null, 0, 1],
    );
    const trend = await anomalyTrend(ctx.db, { from: today, to: today }, [away.id]);
    assert.deepEqual(trend, [{ work_date: today, warnings: 0, reds: 1 }]);
  });

  test('Excel for the sub-department only leaves the parent out', async () => {
    const res = await exportFile({ from: today, to: today, departmentIds: [child.id], format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.data as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    assert.equal(ws.rowCount - 1, 1);
    assert.equal(ws.getRow(2).getCell(2).value, '李娜');
  });

  test('PDF: Chinese names extract as text; the grid has dates, tree order, legend beside it; page 1 renders to PNG', async () => {
    const from = addDays(today, -9);
    const res = await exportFile({ from, to: today, format: 'pdf' });
    assert.equal(res.status, 200);
    assert.match(res.type, /pdf/);
    const dir = join(testEnv().root, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'report.pdf');
    writeFileSync(file, res.data);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    for (const s of ['员工健康打卡报告', '研发部', '研发二组', '张伟', '李娜', '高危', '预警', today])
      assert.ok(text.includes(s), `PDF text has ${s}`);
    assert.match(text, /第 1 \/ \d+ 页/);
    assert.equal(downloadNames(res.disposition).name, `健康打卡_全公司_${from}_${today}.pdf`);

    // Page 2: the summary in tree order with its totals row, then the grid under its date labels.
    const page2 = pdfPage(file, 2);
    const lines = page2.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    assert.ok(at('研发部') > 0 && at('研发部') < at('研发二组'), 'parent before its sub-department');
    assert.match(page2, /合计 Total\s+4\s+3\s+75\.0%\s+1\s+2/);
    const days = Array.from({ length: 10 }, (_, i) => String(Number(addDays(from, i).slice(8))));
    assert.match(page2, new RegExp(days.join('\\s+')), 'one day number per column');
    assert.ok(page2.includes(today.slice(0, 7)), 'the month above the days');
    const legendPage = Array.from({ length: pdfPages(file) }, (_, i) => i + 1).find((n) =>
      pdfPage(file, n).includes('图例'),
    );
    assert.ok(legendPage && pdfPage(file, legendPage).includes('全部 All'), 'the legend stays with the grid');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', file, join(dir, 'report-page')]);
    assert.ok(res.data.length < 400_000, `subsetted font keeps the PDF small (${res.data.length} bytes)`);
  });

  test('bad requests are refused with field errors', async () => {
    assert.equal((await exportFile({ from: today, to: '2020-01-01', format: 'xlsx' })).status, 400);
    assert.equal((await exportFile({ from: today, to: today, format: 'doc' })).status, 400);
    assert.equal(
      (await exportFile({ from: today, to: today, departmentIds: [999999], format: 'pdf' })).status,
      400,
    );
    assert.equal(workDateAt(new Date(), 'Asia/Shanghai'), today);
  });
});
