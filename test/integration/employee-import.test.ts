// Employee import from CSV: a dry run reports without writing, a good file is stored in one go
// (managers resolved within the file), a bad file reports every row by line and column and stores
// nothing, and importing the same file again changes nothing.
import assert from 'node:assert/strict';
import { openEmployee } from '../../db/repositories/org.ts';
import { after, before, describe, test } from 'node:test';
import { TestContext, type TestDepartment } from '../helpers/context.ts';
import { signInEmployee } from '../helpers/staff-client.ts';
import { keyringOf } from '../../db/sealed-fields.ts';

let ctx: TestContext;
let sales: TestDepartment;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  sales = await ctx.department({ size: 1 });
  await ctx.db.updateTable('departments').set({ name: '华东销售部' }).where('id', '=', sales.id).execute();
});
after(async () => ctx.close());

async function importCsv(csv: string, opts: { dryRun?: boolean; lang?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'text/csv; charset=utf-8' };
  if (opts.token !== null) headers['x-admin-token'] = opts.token ?? ctx.operatorKey;
  if (opts.lang) headers['accept-language'] = opts.lang;
  const res = await fetch(`${ctx.apiUrl}/api/employees/import${opts.dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers,
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const employeesNamed = async (userIds: string[]) =>
  (
    await ctx.db
      .selectFrom('employees')
      .selectAll()
      .where('dingtalk_user_id', 'in', userIds)
      .orderBy('dingtalk_user_id')
      .execute()
  ).map((r) => openEmployee(r, keyringOf(ctx.db)));

type Issue = { line: number; column: string; code: string; message: string };

describe('employee CSV import', () => {
  const good = () =>
    '\uFEFFdingtalk_user_id,name,department,manager_user_id,mobile,active,time_zone,workdays\r\n' +
    // imp-1's manager is on a later line; imp-3's is an existing employee
    `imp-1,张伟,华东销售部,imp-2,138 0000 0001,是,,1;2;3\r\n` +
    `imp-2,"李娜, 主管",${sales.id},,+8613800000002,true,Asia/Shanghai,\r\n` +
    '\r\n' +
    `imp-3,王芳,华东销售部,${sales.manager.userId},,1,Europe/Berlin,\r\n` +
    `imp-4,"赵""小""强",华东销售部,imp-2,,否,,\r\n`;

  test('a dry run reports the counts and stores nothing; the import stores everyone with managers resolved', async () => {
    const dry = await importCsv(good(), { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(dry.body, { dryRun: true, rows: 4, created: 4, updated: 0, unchanged: 0 });
    assert.equal(
      (await employeesNamed(['imp-1', 'imp-2', 'imp-3', 'imp-4'])).length,
      0,
      'dry run wrote nothing',
    );

    const done = await importCsv(good());
    assert.deepEqual(done.body, { dryRun: false, rows: 4, created: 4, updated: 0, unchanged: 0 });
    const [e1, e2, e3, e4] = await employeesNamed(['imp-1', 'imp-2', 'imp-3', 'imp-4']);
    assert.ok(e1 && e2 && e3 && e4);
    assert.deepEqual(
      [e1.name, e1.department_id, e1.manager_id, e1.mobile, e1.active, e1.workdays],
      ['张伟', sales.id, e2.id, '138 0000 0001', true, [1, 2, 3]],
    );
    assert.deepEqual([e2.name, e2.manager_id, e2.time_zone], ['李娜, 主管', null, 'Asia/Shanghai']);
    assert.equal(e3.manager_id, sales.manager.id);
    assert.deepEqual([e4.name, e4.active, e4.manager_id], ['赵"小"强', false, e2.id]);
  });

  test('importing the same file again changes nothing; a changed row is an update', async () => {
    const before = await employeesNamed(['imp-1', 'imp-2', 'imp-3', 'imp-4']);
    const again = await importCsv(good());
    assert.deepEqual(again.body, { dryRun: false, rows: 4, created: 0, updated: 0, unchanged: 4 });
    assert.deepEqual(await employeesNamed(['imp-1', 'imp-2', 'imp-3', 'imp-4']), before);

    // Only the columns present are changed: imp-1 moves to imp-3 as manager, mobile kept.
    const partial = 'dingtalk_user_id,name,department,manager_user_id\nimp-1,张伟,华东销售部,imp-3\n';
    const r = await importCsv(partial);
    assert.deepEqual(r.body, { dryRun: false, rows: 1, created: 0, updated: 1, unchanged: 0 });
    const [e1] = await employeesNamed(['imp-1']);
    assert.deepEqual([e1?.manager_id, e1?.mobile], [before[2]?.id, '138 0000 0001']);
  });

  test('a file with bad rows answers every error with its line and column, and stores nothing', async () => {
    const count = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('employees')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n = await count();
    const bad =
      'dingtalk_user_id,name,department,manager_user_id,mobile,active,time_zone\n' +
      'ok-1,好人,华东销售部,,,,\n' + // line 2 is fine …
      'ok-2,,不存在的部门,nobody,abc,maybe,Mars/Base\n' + // line 3: five problems
      'ok-1,重复,华东销售部,ok-1,,,\n' + // line 4: duplicate user, own manager
      '"bad id",名字,华东销售部,,,,\n'; // line 5
    const r = await importCsv(bad, { lang: 'en' });
    assert.equal(r.status, 400);
    const errors = (r.body.errors as Issue[]).map((e) => [e.line, e.column, e.code]);
    assert.deepEqual(errors, [
      [3, 'name', 'required'],
      [3, 'department', 'unknown_department'],
      [3, 'manager_user_id', 'unknown_manager'],
      [3, 'mobile', 'invalid'],
      [3, 'active', 'invalid'],
      [3, 'time_zone', 'invalid'],
      [4, 'dingtalk_user_id', 'duplicate'],
      [4, 'manager_user_id', 'self'],
      [5, 'dingtalk_user_id', 'invalid'],
    ]);
    const unknownDept = (r.body.errors as Issue[]).find((e) => e.code === 'unknown_department');
    assert.equal(unknownDept?.message, 'no department "不存在的部门"');
    const zh = await importCsv(bad, { dryRun: true });
    assert.equal(zh.status, 400, 'a dry run reports the same errors');
    assert.equal(
      (zh.body.errors as Issue[]).find((e) => e.code === 'unknown_department')?.message,
      '没有部门“不存在的部门”',
    );
    assert.equal(await count(), n, 'nothing stored, not even line 2');
  });

  test('header problems, limits and the admin token', async () => {
    const header = await importCsv('userid,name,salary\nx,y,1\n');
    assert.deepEqual(
      (header.body.errors as Issue[]).map((e) => [e.line, e.column, e.code]),
      [
        [1, 'salary', 'unknown_column'],
        [1, 'department', 'missing_column'],
      ],
    );
    const tooMany =
      'dingtalk_user_id,name,department\n' +
      Array.from({ length: 5001 }, (_, i) => `many-${i},某人,华东销售部`).join('\n');
    const r = await importCsv(tooMany);
    assert.deepEqual(
      [r.status, (r.body.errors as Issue[])[0]?.code, (r.body.errors as Issue[])[0]?.line],
      [400, 'too_many_rows', 5002],
    );
    const huge = 'dingtalk_user_id,name,department\n' + `x,${'名'.repeat(200_000)},华东销售部\n`;
    assert.equal((await importCsv(huge)).status, 413);
    assert.equal((await importCsv('a,b\n', { token: null })).status, 401);
    assert.equal((await importCsv('"never closed\n')).status, 400);
  });

  test('HR imports only into their own departments', async () => {
    const other = await ctx.department({ size: 1 });
    const hr = await signInEmployee(ctx, sales.hr ?? sales.manager);
    const csv = `dingtalk_user_id,name,department\nhr-1,钱七,${sales.id}\nhr-2,孙八,${other.id}\n`;
    const res = await fetch(`${ctx.apiUrl}/api/employees/import?dryRun=true`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: hr.cookie, 'x-csrf-token': hr.csrf },
      body: csv,
    });
    const body = (await res.json()) as { errors: Issue[] };
    assert.equal(res.status, 400);
    assert.deepEqual(
      body.errors.map((e) => [e.line, e.column, e.code]),
      [[3, 'department', 'out_of_scope']],
    );
  });
});
