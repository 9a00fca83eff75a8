// Department import from CSV: a good file is stored in one go (parents inside the file, managers
// and HR resolved to employees), a dry run stores nothing, a bad file reports every row by line and
// column and stores nothing, importing the same file again changes nothing, and only admins import.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestContext, type TestDepartment, type TestEmployee } from '../helpers/context.ts';
import {
  createLocalAccount,
  RawBody,
  signInEmployee,
  signInLocal,
  type StaffClient,
} from '../helpers/staff-client.ts';

let ctx: TestContext;
let sales: TestDepartment;
let admin: StaffClient;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  sales = await ctx.department({ size: 1 });
  await ctx.db.updateTable('departments').set({ name: '销售部' }).where('id', '=', sales.id).execute();
  admin = await signInLocal(ctx, await createLocalAccount(ctx, ['admin']));
});
after(async () => ctx.close());

type Issue = { line: number; column: string; code: string; message: string };

const importCsv = (csv: string, opts: { dryRun?: boolean; as?: StaffClient } = {}) =>
  (opts.as ?? admin).call(
    'POST',
    `/api/departments/import${opts.dryRun ? '?dryRun=true' : ''}`,
    new RawBody('text/csv; charset=utf-8', csv),
  );
const errorsOf = (body: unknown) =>
  (body as { errors: Issue[] }).errors.map((e) => [e.line, e.column, e.code]);

const departments = () =>
  ctx.db
    .selectFrom('departments')
    .select(['id', 'name', 'parent_id', 'dingtalk_dept_id', 'manager_id', 'hr_contact_id', 'time_zone'])
    .orderBy('id')
    .execute();
const named = async (name: string) => (await departments()).find((d) => d.name === name);

describe('department CSV import', () => {
  const mgr = () => sales.manager;
  const hr = () => sales.hr as TestEmployee;
  // 华东区's parent is on a later line, 上海组's is the stored 销售部 by id, 杭州组's is 华东区 by
  // its DingTalk id; Chinese headers.
  const good = () =>
    '\uFEFF名称,钉钉部门ID,上级部门,主管钉钉ID,HR钉钉ID,时区\r\n' +
    `华东区,9001,总部,${mgr().userId},${hr().userId},Asia/Shanghai\r\n` +
    `上海组,9002,${sales.id},,${hr().userId},\r\n` +
    '\r\n' +
    `杭州组,,9001,${mgr().userId},,\r\n` +
    `总部,9000,,,,Europe/Berlin\r\n`;

  test('a dry run reports the counts and stores nothing; the import stores every department with parents and people', async () => {
    const before = await departments();
    const dry = await importCsv(good(), { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(dry.body, { dryRun: true, rows: 4, created: 4, updated: 0, unchanged: 0 });
    assert.deepEqual(await departments(), before, 'a dry run writes nothing');

    const done = await importCsv(good());
    assert.deepEqual(done.body, { dryRun: false, rows: 4, created: 4, updated: 0, unchanged: 0 });
    const [east, shanghai, hangzhou, hq] = await Promise.all(
      ['华东区', '上海组', '杭州组', '总部'].map(named),
    );
    assert.ok(east && shanghai && hangzhou && hq);
    assert.deepEqual(
      [east.parent_id, east.dingtalk_dept_id, east.manager_id, east.hr_contact_id, east.time_zone],
      [hq.id, 9001, mgr().id, hr().id, 'Asia/Shanghai'],
    );
    assert.deepEqual(
      [shanghai.parent_id, shanghai.manager_id, shanghai.hr_contact_id],
      [sales.id, null, hr().id],
    );
    assert.deepEqual(
      [hangzhou.parent_id, hangzhou.dingtalk_dept_id, hangzhou.manager_id],
      [east.id, null, mgr().id],
    );
    assert.deepEqual([hq.parent_id, hq.time_zone], [null, 'Europe/Berlin']);
  });

  test('importing the same file again changes nothing; a missing column keeps, an empty cell clears', async () => {
    const before = await departments();
    const again = await importCsv(good());
    assert.deepEqual(again.body, { dryRun: false, rows: 4, created: 0, updated: 0, unchanged: 4 });
    assert.deepEqual(await departments(), before);

    // 华东区 (by DingTalk id) is renamed and its manager cleared; HR and zone columns are absent.
    const partial = 'name,dingtalk_dept_id,manager_user_id\n华东大区,9001,\n杭州组,,' + mgr().userId + '\n';
    const r = await importCsv(partial);
    assert.deepEqual(r.body, { dryRun: false, rows: 2, created: 0, updated: 1, unchanged: 1 });
    const east = await named('华东大区');
    assert.deepEqual(
      [east?.dingtalk_dept_id, east?.manager_id, east?.hr_contact_id, east?.time_zone],
      [9001, null, hr().id, 'Asia/Shanghai'],
    );
    assert.equal((await named('杭州组'))?.parent_id, east?.id, 'the parent column is absent: kept');

    // A DingTalk id new to the system links the one stored department of that name that has none.
    const link = await importCsv('name,dingtalk_dept_id\n销售部,7000\n');
    assert.deepEqual(link.body, { dryRun: false, rows: 1, created: 0, updated: 1, unchanged: 0 });
    assert.equal((await named('销售部'))?.id, sales.id);
    assert.equal((await named('销售部'))?.dingtalk_dept_id, 7000);
  });

  test('a file with bad rows answers every error with its line and column, and stores nothing', async () => {
    const before = await departments();
    const bad =
      'name,dingtalk_dept_id,parent,manager_user_id,hr_user_id,time_zone\n' +
      '好部门,,总部,,,\n' + // line 2 is fine …
      '坏部门,,不存在的部门,nobody,,Mars/Base\n' + // line 3: three problems
      ',,,,,\n' + // line 4: no name
      '甲,8001,乙,,,\n' + // lines 5–6: a cycle through the file
      '乙,8002,甲,,,\n' +
      '丙,,丙,,ghost,\n' + // line 7: its own parent, unknown HR
      '总部,abc,,,,\n' + // line 8
      '好部门,,,,,\n'; // line 9: line 2 again
    const r = await importCsv(bad, { dryRun: true });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.deepEqual(errorsOf(r.body), [
      [3, 'parent', 'unknown_parent'],
      [3, 'manager_user_id', 'unknown_employee'],
      [3, 'time_zone', 'invalid'],
      [4, 'name', 'required'],
      [5, 'parent', 'cycle'],
      [6, 'parent', 'cycle'],
      [7, 'parent', 'cycle'],
      [7, 'hr_user_id', 'unknown_employee'],
      [8, 'dingtalk_dept_id', 'invalid'],
      [9, 'name', 'duplicate'],
    ]);
    const cycle = (r.body as { errors: (Issue & { messages: { en: string } })[] }).errors[4];
    assert.equal(cycle?.messages.en, 'the parents form a cycle: 甲 → 乙 → 甲');
    const stored = await importCsv(bad);
    assert.equal(stored.status, 400, 'the import refuses the same file');
    assert.deepEqual(await departments(), before, 'nothing stored, not even line 2');

    // A file that would put a stored department under its own child is a cycle too.
    const loop = await importCsv('name,parent\n总部,华东大区\n');
    assert.deepEqual(errorsOf(loop.body), [[2, 'parent', 'cycle']]);
  });

  test('header problems and limits', async () => {
    const header = await importCsv('dingtalk_dept_id,budget\n1,2\n');
    assert.deepEqual(errorsOf(header.body), [
      [1, 'budget', 'unknown_column'],
      [1, 'name', 'missing_column'],
    ]);
    const tooMany = 'name\n' + Array.from({ length: 2001 }, (_, i) => `部门${i}`).join('\n');
    const r = await importCsv(tooMany);
    assert.deepEqual([r.status, errorsOf(r.body)[0]], [400, [2002, 'file', 'too_many_rows']]);
    assert.equal((await importCsv(`name\n${'名'.repeat(200_000)}\n`)).status, 413);
  });

  test("only admins import: a department's HR is refused with 403", async () => {
    const hrClient = await signInEmployee(ctx, sales.hr as TestEmployee);
    const before = await departments();
    const r = await importCsv('name\nHR 的部门\n', { as: hrClient });
    assert.equal(r.status, 403);
    assert.deepEqual(await departments(), before);
    // while HR still reads the department routes behind the same prefix
    assert.equal((await hrClient.call('GET', `/api/departments/${sales.id}/policy`)).status, 200);
  });
});
