// "Remind now" (一键提醒): staff remind today's non-submitters, per person or per department, through
// the ladder's batched path — each person at most once a day however often anyone clicks, never
// someone who submitted, never outside the caller's departments, and audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { eventually, TestContext, type TestDepartment, type TestEmployee } from '../helpers/context.ts';
import {
  createLocalAccount,
  signInEmployee,
  signInLocal,
  type StaffClient,
} from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: TestDepartment;
let other: TestDepartment;
let manager: StaffClient;
let workDate: string;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: { BATCH_WINDOW_SECONDS: '1' },
  });
  dept = await ctx.department({ size: 4 });
  other = await ctx.department({ size: 1 });
  workDate = (await ctx.expectToday([...dept.members, ...other.members])).workDate;
  await ctx.checkIn(dept.members[0] as TestEmployee);
  manager = await signInEmployee(ctx, dept.manager);
});
after(async () => ctx.close());

const notifications = (e: TestEmployee) => ctx.messages('work_notification', e.userId).length;

describe('remind now', () => {
  test('per person and per department: each non-submitter is reminded exactly once, however often staff click', async () => {
    const [submitter, first, second, third] = dept.members as [
      TestEmployee,
      TestEmployee,
      TestEmployee,
      TestEmployee,
    ];
    // a double click and a second person's click at once
    const clicks = await Promise.all([
      manager.call('POST', '/api/ra/reminders/remind-now', { employee_ids: [first.id] }),
      manager.call('POST', '/api/ra/reminders/remind-now', { employee_ids: [first.id] }),
      manager.call('POST', '/api/ra/reminders/remind-now', { employee_ids: [first.id, submitter.id] }),
    ]);
    for (const c of clicks) assert.equal(c.status, 202, JSON.stringify(c.body));
    assert.deepEqual((clicks[2]?.body as { notPending: number[] }).notPending, [submitter.id]);
    const whole = await manager.call('POST', '/api/ra/reminders/remind-now', { department_id: dept.id });
    assert.equal(whole.status, 202);
    assert.ok((whole.body as { queued: number[] }).queued.includes(second.id));

    const sent = await eventually(async () => {
      const rows = (await listRemindersForDay(ctx.db, workDate)).filter((r) => r.level === 0);
      return rows.length === 3 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    }, 30_000);
    assert.deepEqual(
      sent.map((r) => r.employee_id).sort((a, b) => a - b),
      [first.id, second.id, third.id].sort((a, b) => a - b),
    );
    // once more after everything went out: nothing new is queued
    const again = await manager.call('POST', '/api/ra/reminders/remind-now', { department_id: dept.id });
    assert.deepEqual(
      [
        (again.body as { queued: number[] }).queued,
        (again.body as { alreadyReminded: number[] }).alreadyReminded.length,
      ],
      [[], 3],
    );
    assert.deepEqual(
      [first, second, third, submitter].map(notifications),
      [1, 1, 1, 0],
      'one work notification each, none for the one who submitted',
    );
    // the ladder's own level 1 is still to come
    assert.ok((await listRemindersForDay(ctx.db, workDate)).every((r) => r.level === 0));
    const audit = await eventually(async () => {
      const rows = await ctx.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('action', '=', 'reminders.remind_now')
        .execute();
      return rows.length >= 5 ? rows : undefined;
    });
    assert.ok(audit.every((r) => r.actor === `employee:${dept.manager.id}`));
  });

  test("outside the caller's departments nobody is reminded and nothing is revealed", async () => {
    const outsider = other.members[0] as TestEmployee;
    const byId = await manager.call('POST', '/api/ra/reminders/remind-now', { employee_ids: [outsider.id] });
    assert.deepEqual(
      [
        byId.status,
        (byId.body as { queued: number[] }).queued,
        (byId.body as { notPending: number[] }).notPending,
      ],
      [202, [], [outsider.id]],
    );
    const byDept = await manager.call('POST', '/api/ra/reminders/remind-now', { department_id: other.id });
    assert.equal(byDept.status, 404);
    const admin = await signInLocal(ctx, await createLocalAccount(ctx, ['admin']));
    assert.equal(
      (await admin.call('POST', '/api/ra/reminders/remind-now', { department_id: other.id })).status,
      403,
    );
    await new Promise((r) => setTimeout(r, 2500)); // two batch windows
    assert.equal(notifications(outsider), 0);
  });

  test('a request that names nobody, or both ways, is a 400', async () => {
    for (const body of [
      {},
      { employee_ids: [] },
      { employee_ids: [2 ** 31] },
      { department_id: dept.id, employee_ids: [1] },
      { department_id: 'x' },
    ]) {
      const res = await manager.call('POST', '/api/ra/reminders/remind-now', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });
});
