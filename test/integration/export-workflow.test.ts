// Large exports run as the reportExport workflow: progress, download, retention — and a worker
// killed in the middle resumes and still produces exactly one file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { getPublishedForm } from '../../db/repositories/forms.ts';
import { keyringOf, sealRecordFields } from '../../db/sealed-fields.ts';
import { eventually, TestContext } from '../helpers/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'hc-exports-'));
const RECORDS = 30_000;
let ctx: TestContext;
let deptId: number;
let deptName: string;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    // retention ~11 s so the test can watch the file go; anything above 10 records runs as a workflow
    env: { EXPORT_DIR: dir, EXPORT_RETENTION_HOURS: '0.003', EXPORT_SYNC_MAX_RECORDS: '10' },
  });
  const dept = await ctx.department({ size: 0 });
  deptId = dept.id;
  deptName = dept.name;
  const form = await getPublishedForm(ctx.db);
  await sql`insert into employees (dingtalk_user_id, name, department_id)
    select 'x' || g, '员工' || g, ${dept.id} from generate_series(1, ${RECORDS / 10}) g`.execute(ctx.db);
  // Every record has the same answers, so one sealed value serves them all (it is bound to the column, not the row).
  const sealed = sealRecordFields(
    {
      answers: { temperature: 36.5, healthCode: 'green', hasSymptoms: false },
      reasons: [],
    },
    keyringOf(ctx.db),
  );
  await sql`insert into health_records (employee_id, department_id, work_date, submitted_at, answers_ct, reasons_ct, key_id, status, idempotency_key, form_version)
    select e.id, e.department_id, '2026-09-01'::date + d, now(), ${sealed.answers_ct}, ${sealed.reasons_ct}, ${sealed.key_id},
           'on_time', 'k' || e.id || '-' || d, ${form.version}
    from employees e cross join generate_series(0, 9) d where e.dingtalk_user_id like 'x%'`.execute(ctx.db);
});
after(async () => ctx.close());

describe('export workflow', () => {
  test('a worker killed mid-export resumes; one file, downloadable, removed after retention', async () => {
    let worker = await ctx.spawnWorker();
    const started = await ctx.admin('POST', '/api/exports', {
      from: '2026-09-01',
      to: '2026-09-10',
      format: 'xlsx',
      purpose: 'test',
    });
    assert.equal(started.status, 202);
    assert.equal(started.body.total, RECORDS);
    const id = started.body.id as number;
    await eventually(
      async () => ((await ctx.admin('GET', `/api/exports/${id}`)).body.progress as number) > 0,
      30_000,
      'progress',
    );
    const mid = await ctx.admin('GET', `/api/exports/${id}`);
    assert.equal(mid.body.status, 'running');
    await ctx.killWorker(worker);
    worker = await ctx.spawnWorker();
    await eventually(
      async () => (await ctx.admin('GET', `/api/exports/${id}`)).body.status === 'done',
      90_000,
      'export done',
    );
    const done = await ctx.admin('GET', `/api/exports/${id}`);
    assert.deepEqual(
      [done.body.percent, done.body.progress, done.body.total, done.body.downloadUrl],
      [100, RECORDS, RECORDS, `/api/exports/${id}/download`],
    );
    assert.deepEqual(readdirSync(dir), [`export-${id}.xlsx`], 'exactly one file, no leftovers');
    assert.equal(statSync(join(dir, `export-${id}.xlsx`)).mode & 0o777, 0o600, 'health data: owner only');

    const file = await fetch(`${ctx.apiUrl}/api/exports/${id}/download`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    assert.equal(file.status, 200);
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="health-checkin_2026-09-01_2026-09-10.xlsx"; ` +
        `filename*=UTF-8''${encodeURIComponent('健康打卡_全公司_2026-09-01_2026-09-10.xlsx')}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await file.arrayBuffer());
    assert.equal((wb.getWorksheet('记录 Records') as ExcelJS.Worksheet).rowCount - 1, RECORDS);

    await eventually(
      async () => (await ctx.admin('GET', `/api/exports/${id}`)).body.status === 'expired',
      30_000,
      'expired',
    );
    assert.deepEqual(readdirSync(dir), []);
    const gone = await fetch(`${ctx.apiUrl}/api/exports/${id}/download`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    assert.equal(gone.status, 410);
    await ctx.killWorker(worker, 'SIGTERM');
  });

  test('an async PDF reports its records once drawn and downloads under its content name', async () => {
    const worker = await ctx.spawnWorker();
    const started = await ctx.admin('POST', '/api/exports', {
      from: '2026-09-01',
      to: '2026-09-10',
      departmentIds: [deptId],
      format: 'pdf',
      mode: 'async',
      purpose: 'test',
    });
    assert.equal(started.status, 202);
    const id = started.body.id as number;
    await eventually(
      async () => (await ctx.admin('GET', `/api/exports/${id}`)).body.status === 'done',
      60_000,
      'pdf done',
    );
    const done = await ctx.admin('GET', `/api/exports/${id}`);
    assert.deepEqual([done.body.progress, done.body.total, done.body.percent], [RECORDS, RECORDS, 100]);
    const name = `健康打卡_${deptName}_2026-09-01_2026-09-10.pdf`;
    assert.equal(done.body.fileName, name);
    const file = await fetch(`${ctx.apiUrl}/api/exports/${id}/download`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    assert.equal(file.status, 200);
    assert.ok(
      file.headers.get('content-disposition')?.endsWith(`filename*=UTF-8''${encodeURIComponent(name)}`),
    );
    assert.equal(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    await ctx.killWorker(worker, 'SIGTERM');
  });
});
