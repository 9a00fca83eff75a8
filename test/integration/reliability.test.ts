// Issue 16: refused group posts are retried, DingTalk's read receipts are stored per person and
// level, a Postgres outage answers 503 with Retry-After, and a reused idempotency key with another
// body is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../config/logger.ts';
import { createDb } from '../../db/connect.ts';
import { keyringOf, withFieldKeys } from '../../db/sealed-fields.ts';
import { createDingTalk } from '../../platform/dingtalk.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { departmentBatchWorkflowId } from '../../domain/workflow-ids.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    // receipts asked 1 s, 3 s and 6 s after sending instead of minutes and an hour
    env: { DINGTALK_RECEIPT_DELAYS_SECONDS: '1,3,6' },
  });
});
after(async () => ctx.close());

const levelRows = async (workDate: string, employees: TestEmployee[], level: number) =>
  (
    await listRemindersForDay(
      ctx.db,
      workDate,
      employees.map((e) => e.id),
    )
  ).filter((r) => r.level === level);

describe('reliability', () => {
  test('a group post DingTalk refused (410100 twice) is retried: the manager is @mentioned once, rows sent', async () => {
    const dept = await ctx.department({ size: 3 });
    ctx.fake.state.faults.push({
      path: '/robot/send',
      errcode: 410100,
      bodyIncludes: dept.manager.userId,
      remaining: 2,
    });
    const s = await ctx.schedule(900); // levels at +4 s, +16 s, +28 s
    await ctx.startDay(dept.members, s);
    const token = dept.robotToken ?? '?';
    await eventually(() => ctx.messages('robot', token).length > 0, 60_000, 'the group post');
    await ctx.temporal.workflow.getHandle(departmentBatchWorkflowId(s.workDate, dept.id, 2)).result();
    assert.ok(
      ctx.fake.state.faults.every((f) => f.remaining === 0),
      'both refusals were answered',
    );
    const posts = ctx.messages('robot', token);
    assert.equal(posts.length, 1, 'posted once');
    assert.deepEqual(posts[0]?.mentionsFired, [dept.manager.userId]);
    for (const e of dept.members) assert.ok(posts[0]?.text.includes(e.name), `${e.name} named`);
    assert.deepEqual(
      (await levelRows(s.workDate, dept.members, 2)).map((r) => r.status),
      ['sent', 'sent', 'sent'],
    );
    await Promise.all(dept.members.map((e) => ctx.dayResult(s.workDate, e.id)));
  });

  test('read receipts per person and level: read, unread, and an unknown userid as failed', async () => {
    const dept = await ctx.department({ size: 3, robot: false });
    const [reader, ignorer, stranger] = dept.members as [TestEmployee, TestEmployee, TestEmployee];
    ctx.fake.state.directory.delete(stranger.userId); // DingTalk does not know this userid
    const s = await ctx.schedule(900);
    await ctx.startDay(dept.members, s);
    const card = await eventually(
      () => ctx.messages('work_notification', reader.userId)[0],
      30_000,
      'level 1 notification',
    );
    assert.ok(ctx.fake.state.markRead(card.id, reader.userId));
    await eventually(
      async () => {
        const rows = await levelRows(s.workDate, [reader, ignorer, stranger], 1);
        return rows.map((r) => r.delivery).join() === 'read,unread,failed';
      },
      30_000,
      'level 1 receipts',
    );
    // Level 2 went to the manager (no group robot): its receipt is the manager's, on each row.
    const managerCard = await eventually(
      () => ctx.messages('work_notification', dept.manager.userId)[0],
      40_000,
      'level 2 notification',
    );
    await eventually(
      async () => (await levelRows(s.workDate, dept.members, 2)).every((r) => r.delivery === 'unread'),
      30_000,
      'level 2 unread',
    );
    ctx.fake.state.markRead(managerCard.id, dept.manager.userId);
    await eventually(
      async () => (await levelRows(s.workDate, dept.members, 2)).every((r) => r.delivery === 'read'),
      30_000,
      'level 2 read',
    );
    // HR sees it in the reminders resource.
    const res = await ctx.admin(
      'GET',
      `/api/ra/reminders?filter=${encodeURIComponent(JSON.stringify({ work_date: s.workDate, level: 1 }))}`,
    );
    const listed = (res.body as unknown as { employee_id: number; delivery: string | null }[]) ?? [];
    assert.equal(listed.find((r) => r.employee_id === reader.id)?.delivery, 'read');
    await Promise.all(dept.members.map((e) => ctx.dayResult(s.workDate, e.id)));
  });

  test('Postgres unreachable: a submission answers 503 with Retry-After, and 201 once it is back', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    await ctx.expectToday([e]);
    const dbUrl = new URL(ctx.config.databaseUrl);
    const proxy = await startTcpProxy(`${dbUrl.hostname}:${dbUrl.port || '5432'}`);
    dbUrl.host = proxy.address;
    const db = withFieldKeys(createDb(dbUrl.toString()), keyringOf(ctx.db));
    const app = createApp({
      db,
      temporal: ctx.temporal,
      dingtalk: createDingTalk(ctx.config),
      config: ctx.config,
      logger: createLogger('silent'),
      signalTimeoutMs: 1500,
    });
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      proxy.cut();
      const down = await fetch(`${url}/api/me/checkins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token(e.id)}` },
        body: JSON.stringify({ idempotencyKey: newKey(), answers: validAnswers }),
      });
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '5');
      assert.equal(((await down.json()) as { code: string }).code, 'unavailable');
      proxy.restore();
      const up = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers }, url);
      assert.equal(up.status, 201);
    } finally {
      await new Promise((r) => server.close(r));
      await db.destroy();
      await proxy.close();
    }
  });

  test('a check-in whose audit row cannot be written (database lost) answers 503 and stores nothing; the resend is stored once', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    await ctx.expectToday([e]);
    // The connection breaking at the audit insert, as a SQLSTATE of class 08: the record and its
    // audit row commit together, so neither is kept, and the client is told to resend.
    await sql`create function lose_audit() returns trigger language plpgsql as $$
      begin raise exception 'connection lost' using errcode = '08006'; end $$`.execute(ctx.db);
    await sql`create trigger lose_checkin_audit before insert on audit_log for each row
      when (new.action = 'POST /api/me/checkins') execute function lose_audit()`.execute(ctx.db);
    const body = { idempotencyKey: newKey(), answers: validAnswers };
    const records = () =>
      ctx.db.selectFrom('health_records').select('id').where('employee_id', '=', e.id).execute();
    try {
      const lost = await ctx.submit(e.id, body);
      assert.equal(lost.status, 503);
      assert.equal(lost.body.code, 'unavailable');
      assert.deepEqual(await records(), [], 'nothing stored without its audit row');
    } finally {
      await sql`drop trigger lose_checkin_audit on audit_log`.execute(ctx.db);
      await sql`drop function lose_audit()`.execute(ctx.db);
    }
    const resent = await ctx.submit(e.id, body);
    assert.equal(resent.status, 201);
    assert.equal((await records()).length, 1, 'stored once');
    const audited = await ctx.db
      .selectFrom('audit_log')
      .select('status')
      .where('action', '=', 'POST /api/me/checkins')
      .where('actor', '=', `employee:${e.id}`)
      .execute();
    assert.deepEqual(
      audited.map((r) => r.status),
      [201],
      'the resend is audited',
    );
  });

  test('an idempotency key reused with another body is refused with 422; the same body replays', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    await ctx.expectToday([e]);
    const key = newKey();
    const first = await ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers });
    assert.equal(first.status, 201);
    // The same answers in another key order are the same body.
    const reordered = { hasSymptoms: false, healthCode: 'green', temperature: 36.5 };
    const again = await ctx.submit(e.id, { answers: reordered, idempotencyKey: key });
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    const fever = await ctx.submit(e.id, {
      idempotencyKey: key,
      answers: { ...validAnswers, temperature: 37.8 },
    });
    assert.equal(fever.status, 422);
    assert.equal(fever.body.code, 'idempotency_key_reused');
    const stored = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('employee_id', '=', e.id)
      .execute();
    assert.equal(stored.length, 1, 'nothing new stored');
  });
});
