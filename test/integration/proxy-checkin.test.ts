// Manager proxy filling (代填) through POST /api/employees/:id/proxy-checkins: real sessions, real
// Postgres and Temporal; the record names the proxy, the audit row the reason, the ladder stops.
import { openAuditText } from '../../db/repositories/audit.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findDay } from '../../db/repositories/checkin-days.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { createLocalAccount, signInEmployee, signInLocal } from '../helpers/staff-client.ts';
import { keyringOf } from '../../db/sealed-fields.ts';

// One compressed hour = 2 s: the first reminder would go out 2 s after the day starts.
/** level 1 at +12 s: the proxy submission must land before it on a busy machine */
const SCALE = 300;
let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

const proxyPath = (e: TestEmployee) => `/api/employees/${e.id}/proxy-checkins`;
const auditRows = (targetId: number) =>
  ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'checkins.proxy')
    .where('target_id', '=', String(targetId))
    .orderBy('id')
    .execute();

describe('proxy check-in (代填)', { concurrency: true }, () => {
  test('a manager fills in for a member: stored once with the proxy, audited with the reason, the day stops', async () => {
    const dept = await ctx.department({ size: 1 });
    const [member] = dept.members as [TestEmployee];
    const manager = await signInEmployee(ctx, dept.manager);
    assert.ok(manager.identity.permissions.includes('proxy:submit'));
    const s = await ctx.schedule(SCALE);
    await ctx.startDay([member], s);

    const body = {
      idempotencyKey: newKey(),
      answers: validAnswers,
      reason: '住院中，手机不在身边',
    };
    const first = await manager.call('POST', proxyPath(member), body);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const record = (first.body as { record: { id: number; proxy_by_employee_id: number } }).record;
    assert.equal(record.proxy_by_employee_id, dept.manager.id);

    // The day's workflow ends as with the employee's own submission: no reminder is sent.
    assert.deepEqual(await ctx.dayResult(s.workDate, member.id), { outcome: 'submitted', levelReached: 0 });
    assert.equal((await findDay(ctx.db, member.id, s.workDate))?.outcome, 'submitted');

    const again = await manager.call('POST', proxyPath(member), body);
    assert.equal(again.status, 200);
    assert.equal((again.body as { replayed: boolean }).replayed, true);
    const stored = await ctx.db
      .selectFrom('health_records')
      .select(['id', 'proxy_by_employee_id', 'identity_check'])
      .where('employee_id', '=', member.id)
      .execute();
    assert.deepEqual(stored, [
      { id: record.id, proxy_by_employee_id: dept.manager.id, identity_check: null },
    ]);

    const audits = await eventually(async () => {
      const rows = await auditRows(member.id);
      return rows.length === 2 ? rows : undefined;
    });
    const [a] = audits;
    assert.equal(a?.actor, `employee:${dept.manager.id}`);
    assert.equal(a?.target_type, 'employee');
    assert.equal(a?.outcome, 'success');
    // the reason names an illness: sealed in the log, opened for the audit screen
    const detail = a?.detail as { recordId: number; reasonSealed: string };
    assert.equal(detail.recordId, record.id);
    assert.equal(openAuditText(detail.reasonSealed, keyringOf(ctx.db)), '住院中，手机不在身边');
    assert.equal(JSON.stringify(a?.detail).includes('住院'), false);

    // The records resource shows the mark and the proxy's name.
    const show = await manager.call('GET', `/api/ra/records/${record.id}`);
    assert.equal(show.status, 200);
    assert.deepEqual(
      [
        (show.body as { proxy_by_employee_id: number }).proxy_by_employee_id,
        (show.body as { proxy_name: string }).proxy_name,
      ],
      [dept.manager.id, dept.manager.name],
    );
  });

  test('HR of the department may fill in too; the reason is required and at most 200 characters', async () => {
    const dept = await ctx.department({ size: 1 });
    const [member] = dept.members as [TestEmployee];
    await ctx.expectToday([member]);
    const hr = await signInEmployee(ctx, dept.hr as TestEmployee);
    const base = { idempotencyKey: newKey(), answers: validAnswers };
    const missing = await hr.call('POST', proxyPath(member), base);
    assert.equal(missing.status, 400);
    assert.ok(
      (missing.body as { errors: { field: string }[] }).errors.some((e) => e.field === 'reason'),
      JSON.stringify(missing.body),
    );
    const long = await hr.call('POST', proxyPath(member), { ...base, reason: '长'.repeat(201) });
    assert.equal(long.status, 400);
    const bad = await hr.call('POST', proxyPath(member), {
      ...base,
      answers: { ...validAnswers, temperature: 50 },
      reason: '出差无信号',
    });
    assert.equal(bad.status, 400);
    assert.ok(
      (bad.body as { errors: { field: string }[] }).errors.some((e) => e.field === 'answers.temperature'),
    );
    const ok = await hr.call('POST', proxyPath(member), { ...base, reason: '出差无信号' });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(
      (ok.body as { record: { proxy_by_employee_id: number } }).record.proxy_by_employee_id,
      dept.hr?.id,
    );
  });

  test('outside the scope, inactive or unknown → 404; a plain employee, a local admin or oneself → 403', async () => {
    const mine = await ctx.department({ size: 2 });
    const other = await ctx.department({ size: 1 });
    const [member, colleague] = mine.members as [TestEmployee, TestEmployee];
    const stranger = other.members[0] as TestEmployee;
    await ctx.expectToday([member, colleague, stranger, mine.manager]);
    const body = () => ({ idempotencyKey: newKey(), answers: validAnswers, reason: '手机坏了' });
    const manager = await signInEmployee(ctx, mine.manager);

    assert.equal((await manager.call('POST', proxyPath(stranger), body())).status, 404);
    assert.equal((await manager.call('POST', '/api/employees/999999/proxy-checkins', body())).status, 404);
    await ctx.db.updateTable('employees').set({ active: false }).where('id', '=', colleague.id).execute();
    assert.equal((await manager.call('POST', proxyPath(colleague), body())).status, 404);
    assert.equal(
      (await manager.call('POST', proxyPath(mine.manager), body())).status,
      403,
      'not for oneself',
    );

    // A plain employee's page token (plain employees cannot sign in to the console at all).
    const asEmployee = await fetch(`${ctx.apiUrl}${proxyPath(member)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token(stranger.id)}` },
      body: JSON.stringify(body()),
    });
    assert.equal(asEmployee.status, 403);

    // A local account holds HR for every department but is nobody: it cannot answer for filling in.
    const admin = await signInLocal(ctx, await createLocalAccount(ctx, ['admin', 'hr']));
    assert.ok(!admin.identity.permissions.includes('proxy:submit'), 'the console hides the button');
    assert.equal((await admin.call('POST', proxyPath(member), body())).status, 403);
    assert.equal(
      (await ctx.admin('POST', proxyPath(member), body())).status,
      403,
      'nor can the operator key',
    );

    // Without the CSRF header the session cannot write.
    assert.equal((await manager.call('POST', proxyPath(member), body(), { csrf: false })).status, 403);

    const records = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('employee_id', 'in', [member.id, colleague.id, stranger.id, mine.manager.id])
      .execute();
    assert.deepEqual(records, [], 'nothing stored by any refused call');
    // Every refusal is audited (refused before the route, the row names the path).
    const denied = await eventually(async () => {
      const rows = await ctx.db
        .selectFrom('audit_log')
        .select(['actor', 'status'])
        .where('action', '=', `POST ${proxyPath(member)}`)
        .where('outcome', '=', 'denied')
        .execute();
      return rows.length >= 3 ? rows : undefined;
    });
    assert.deepEqual(new Set(denied.map((r) => r.status)), new Set([403]));
  });
});
