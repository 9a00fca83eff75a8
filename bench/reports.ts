// Benchmark: the streamed Excel export of ~100k records against the in-memory exceljs workbook
// (baseline, same rows, same run), and the PDF of a month for 100 departments.
// `npm run bench:reports`; figures are appended to bench/RESULTS.md.
import { appendFileSync, createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { getPublishedForm } from '../db/repositories/forms.ts';
import { addDays } from '../domain/zoned-time.ts';
import { writeExcelReport } from '../reports/excel-report.ts';
import { buildPdfReport } from '../reports/pdf-report.ts';
import { reportRecords, departmentScope } from '../db/repositories/reports.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';
import { machine } from './machine.ts';

const DEPTS = 100;
const PER_DEPT = 34;
const DAYS = 30;
const FROM = '2026-06-01';
const TO = addDays(FROM, DAYS - 1);

/** Runs fn while sampling RSS; returns its time and the peak RSS growth. */
async function measure(fn: () => Promise<unknown>) {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, growthMb: (peak - start) / 2 ** 20 };
}

async function main() {
  const url = `postgres://postgres@127.0.0.1:5432/hc_bench_reports_${Date.now().toString(36)}`;
  await ensureDatabase(url);
  const keyring = new FieldKeyring(loadConfig().fieldEncryption);
  const db = withFieldKeys(createDb(url), keyring);
  try {
    await migrateToLatest(db);
    const form = await getPublishedForm(db);
    await sql`insert into departments (name) select '部门' || g from generate_series(1, ${DEPTS}) g`.execute(
      db,
    );
    await sql`insert into employees (dingtalk_user_id, name, department_id, mobile)
      select 'b' || g, '员工' || g, d.id, '139' || lpad(g::text, 8, '0')
      from generate_series(1, ${DEPTS * PER_DEPT}) g
      join departments d on d.id = 1 + (g % ${DEPTS})`.execute(db);
    const schedule = JSON.stringify({ reminders: [] });
    await sql`insert into checkin_days (employee_id, work_date, department_id, outcome, opens_at, closes_at, late_until, schedule)
      select e.id, ${FROM}::date + d, e.department_id, 'submitted', now(), now(), now(), ${schedule}::jsonb
      from employees e cross join generate_series(0, ${DAYS - 1}) d`.execute(db);
    // 2% warnings, 0.5% reds; the rest normal; ~5% of days missed.
    await sql`insert into health_records (employee_id, department_id, work_date, submitted_at, answers, status, idempotency_key, form_version, severity, reasons)
      select c.employee_id, c.department_id, c.work_date, c.work_date + time '01:30',
        jsonb_build_object('temperature', case when r < 0.005 then 38.4 when r < 0.025 then 37.5 else 36.5 end,
                           'healthCode', 'green', 'hasSymptoms', false, 'vaccinationDoses', 3, 'remarks', '无'),
        'on_time', 'k' || c.employee_id || c.work_date, ${form.version},
        case when r < 0.005 then 'red' when r < 0.025 then 'warning' else 'normal' end,
        case when r < 0.025 then '[{"source":"temperature","severity":"warning","text":{"zh":"体温 ≥ 37.3 ℃","en":"temperature ≥ 37.3 ℃"}}]'::jsonb else '[]'::jsonb end
      from (select c.*, random() r from checkin_days c) c where c.r > 0.05 or c.r < 0.025`.execute(db);
    const n = Number(
      (await sql<{ n: string }>`select count(*) n from health_records`.execute(db)).rows[0]?.n,
    );
    // Inserted as plaintext, like rows from before field encryption: seal them the way start-up does.
    const sealing = await measure(() => rotateFieldKeys(db, keyring, { plaintextOnly: true }));
    const filter = { from: FROM, to: TO, departmentIds: [] };
    const file = join(tmpdir(), `bench-${Date.now()}.xlsx`);

    const streamed = await measure(async () => {
      const out = createWriteStream(file);
      await writeExcelReport(db, filter, 'Asia/Shanghai', out);
      await finished(out);
    });
    const size = statSync(file).size;
    rmSync(file);

    // Baseline: the same rows through exceljs's in-memory Workbook, written at the end.
    const inMemory = await measure(async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Records');
      for await (const page of reportRecords(db, filter, await departmentScope(db, []))) {
        for (const r of page) {
          ws.addRow([
            new Date(`${r.work_date}T00:00:00Z`),
            r.employee_name,
            r.department_name,
            r.answers.temperature,
            r.answers.healthCode,
            r.severity,
            r.submitted_at,
          ]);
        }
      }
      await wb.xlsx.writeFile(file);
    });
    rmSync(file, { force: true });

    let pdfBytes = 0;
    const pdf = await measure(async () => {
      pdfBytes = (await buildPdfReport(db, filter, { generatedAt: 'bench', departmentNames: [] })).length;
    });

    const row =
      `\n## Reports: ${n} records, ${DEPTS} departments, ${DAYS} days (${new Date().toISOString()})\n\n` +
      `Machine: ${machine()}; Postgres on the same host.\n\n` +
      `| variant | time | peak RSS growth | output |\n|---|---|---|---|\n` +
      `| baseline: exceljs in-memory \`Workbook\` (7 columns, no styles, records sheet only) | ${(inMemory.ms / 1000).toFixed(1)} s | ${inMemory.growthMb.toFixed(0)} MB | – |\n` +
      `| streamed \`writeExcelReport\` (all columns, fills, 3 sheets) | ${(streamed.ms / 1000).toFixed(1)} s | ${streamed.growthMb.toFixed(0)} MB | ${(size / 2 ** 20).toFixed(1)} MB |\n` +
      `| sealing the ${n} plaintext records and ${DEPTS * PER_DEPT} mobiles (AES-256-GCM, 500 rows per transaction) | ${(sealing.ms / 1000).toFixed(1)} s | ${sealing.growthMb.toFixed(0)} MB | – |\n` +
      `| PDF of the month for ${DEPTS} departments (grid + anomaly list) | ${(pdf.ms / 1000).toFixed(1)} s | ${pdf.growthMb.toFixed(0)} MB | ${(pdfBytes / 2 ** 10).toFixed(0)} KB |\n` +
      `\nTargets: 100k-record Excel < 10 s with < 300 MB RSS growth; month PDF for 100 departments < 10 s.\n`;
    appendFileSync(join(import.meta.dirname, 'RESULTS.md'), row);
    console.log(row);
  } finally {
    await db.destroy();
    await dropDatabase(url);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
