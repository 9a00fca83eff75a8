// Nothing lost, nothing twice: worker crashes, a stopped worker, Temporal unreachable at submit time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../config/logger.ts';
import { checkinWorkflowId, departmentBatchWorkflowId } from '../../domain/workflow-ids.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { connectTemporal } from '../../platform/temporal.ts';
import { createDingTalk } from '../../platform/dingtalk.ts';
import { statusQuery } from '../../workflows/messages.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { freePort } from '../../scripts/temporal-cli.ts';
import { keyringOf } from '../../db/sealed-fields.ts';

let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => ctx.close());

const result = (workDate: string, e: TestEmployee) => ctx.dayResult(workDate, e.id);

describe('resilience', () => {
  test('a worker SIGKILLed twice during the ladder and restarted sends each level exactly once', async () => {
    const dept = await ctx.department({ size: 3 });
    // One compressed hour = 4 s: levels at +4 s, +16 s, +28 s, close at +32 s.
    // A 3 s batch window: a worker restarting on a busy machine may deliver the three day
    // workflows' level-2 signals further apart than the compressed 0.3 s window, and stragglers
    // then rightly get a second group post; the test is about crashes, not about that window.
    let worker = await ctx.spawnWorker();
    const s = { ...(await ctx.schedule(900)), batchWindowMs: 3000 };
    await ctx.startDay(dept.members, s);
    await eventually(
      () => dept.members.every((e) => ctx.messages('work_notification', e.userId).length > 0),
      30_000,
      'level 1',
    );
    await ctx.killWorker(worker);
    worker = await ctx.spawnWorker();
    await eventually(() => ctx.messages('robot', dept.robotToken ?? '?').length > 0, 60_000, 'level 2');
    await ctx.killWorker(worker);
    worker = await ctx.spawnWorker();
    const results = await Promise.all(dept.members.map((e) => result(s.workDate, e)));
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['missed', 'missed', 'missed'],
    );

    // The department batches finish too (a batch activity killed mid-call is retried after 10 s).
    for (const level of [1, 2] as const) {
      await ctx.temporal.workflow.getHandle(departmentBatchWorkflowId(s.workDate, dept.id, level)).result();
    }
    for (const e of dept.members) {
      assert.equal(ctx.messages('work_notification', e.userId).length, 1, `level 1 once for ${e.name}`);
      assert.equal(
        ctx.messages('todo').filter((m) => m.title.includes(e.name) && m.to.includes(dept.hr?.unionId ?? '?'))
          .length,
        1,
        `level 3 once for ${e.name}`,
      );
      const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
      // A robot post in flight when the worker died is recorded as 'unknown' rather than posted twice.
      assert.deepEqual(
        rows.map((r) => [r.level, r.level === 2 && r.status === 'unknown' ? 'sent' : r.status]),
        [
          [1, 'sent'],
          [2, 'sent'],
          [3, 'sent'],
        ],
      );
    }
    assert.equal(ctx.messages('robot', dept.robotToken ?? '?').length, 1, 'level 2 once for the department');
    await ctx.killWorker(worker, 'SIGTERM');
  });

  test('a worker killed while DingTalk is answering: the notification is not delivered twice, the robot post not repeated', async () => {
    const dept = await ctx.department({ size: 2 });
    // DingTalk takes 3 s to answer the first level-1 call and the first robot post.
    ctx.fake.state.faults.push({
      path: '/topapi/message/corpconversation/asyncsend_v2',
      delayMs: 3000,
      remaining: 1,
    });
    ctx.fake.state.faults.push({ path: '/robot/send', delayMs: 3000, remaining: 1 });
    let worker = await ctx.spawnWorker();
    const s = { ...(await ctx.schedule(900)), batchWindowMs: 3000 }; // levels at +4 s, +16 s, +28 s
    await ctx.startDay(dept.members, s);
    await eventually(
      () => ctx.messages('work_notification').some((m) => m.to.includes(dept.members[0]?.userId ?? '?')),
      30_000,
      'level 1 received',
    );
    await ctx.killWorker(worker); // while the call is waiting for DingTalk's answer
    worker = await ctx.spawnWorker();
    await eventually(
      () => ctx.messages('robot', dept.robotToken ?? '?').length > 0,
      60_000,
      'level 2 received',
    );
    await ctx.killWorker(worker);
    worker = await ctx.spawnWorker();
    for (const level of [1, 2] as const) {
      await ctx.temporal.workflow.getHandle(departmentBatchWorkflowId(s.workDate, dept.id, level)).result();
    }
    for (const e of dept.members) {
      const notes = ctx.fake.state.messages.filter(
        (m) =>
          m.kind === 'work_notification' &&
          (m.to.includes(e.userId) || m.droppedDuplicates.includes(e.userId)),
      );
      // The retry re-sent the identical card; DingTalk dropped it, so the person saw one.
      assert.equal(notes.filter((m) => m.to.includes(e.userId)).length, 1);
      assert.equal(notes.filter((m) => m.droppedDuplicates.includes(e.userId)).length, 1);
      const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
      assert.deepEqual(
        rows.filter((r) => r.level <= 2).map((r) => [r.level, r.status]),
        [
          [1, 'sent'],
          [2, 'unknown'],
        ],
      );
    }
    assert.equal(ctx.messages('robot', dept.robotToken ?? '?').length, 1, 'the robot post is not repeated');
    // The post's fate is unknown, so the manager is told directly (a work notification DingTalk
    // delivers once however often the retry sends it).
    const direct = ctx.messages('work_notification', dept.manager.userId);
    assert.equal(direct.length, 1);
    for (const e of dept.members)
      assert.ok(direct[0]?.text.includes(e.name), `${e.name} named to the manager`);
    await Promise.all(dept.members.map((e) => result(s.workDate, e)));
    await ctx.killWorker(worker, 'SIGTERM');
  });

  test('a submission made while the worker is down stops the ladder when the worker returns', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    let worker = await ctx.spawnWorker();
    // The compressed day starts only once the worker is up: a slow start must not eat the margin.
    const s = await ctx.schedule(300); // level 1 at +12 s
    await ctx.startDay([e], s);
    const handle = ctx.temporal.workflow.getHandle(checkinWorkflowId(s.workDate, e.id));
    await eventually(async () => (await handle.describe()).historyLength > 3, 10_000, 'workflow waiting');
    await ctx.killWorker(worker);
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    const level1 = Date.parse(s.reminders[0]?.at ?? '');
    assert.ok(Date.now() < level1 - 2000, 'precondition: submitted well before the first reminder');
    // Stay down past the first reminder time, then come back.
    await new Promise((r) => setTimeout(r, level1 - Date.now() + 1000));
    worker = await ctx.spawnWorker();
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 0 });
    await new Promise((r) => setTimeout(r, 1000 + s.batchWindowMs));
    assert.equal(ctx.messages(undefined, e.userId).length, 0);
    assert.deepEqual(await listRemindersForDay(ctx.db, s.workDate, [e.id]), []);
    await ctx.killWorker(worker, 'SIGTERM');
  });

  test('with Temporal unreachable a submission still gets 201, is stored, and the workflow learns it later', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const worker = await ctx.spawnWorker();
    const s = await ctx.schedule(300); // level 1 at +12 s
    await ctx.startDay([e], s);

    // An API whose only road to Temporal goes through a proxy we cut.
    const proxy = await startTcpProxy(ctx.config.temporal.address ?? '');
    const { client, connection } = await connectTemporal(
      proxy.address,
      ctx.config.temporal.namespace,
      keyringOf(ctx.db),
    );
    const app = createApp({
      db: ctx.db,
      temporal: client,
      dingtalk: createDingTalk(ctx.config),
      config: ctx.config,
      logger: createLogger('silent'),
      signalTimeoutMs: 1000,
    });
    const server: Server = await new Promise((r) => {
      const srv = app.listen(0, '127.0.0.1', () => r(srv));
    });
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy.cut();

    const health = await fetch(`${apiUrl}/healthz`);
    assert.equal(health.status, 503);
    const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers }, apiUrl);
    assert.equal(r.status, 201);
    const rec = r.body.record as { id: number };
    assert.ok(
      await ctx.db.selectFrom('health_records').select('id').where('id', '=', rec.id).executeTakeFirst(),
    );

    // The worker's outbox drainer (its own Temporal connection) delivers the signal.
    const handle = ctx.temporal.workflow.getHandle(checkinWorkflowId(s.workDate, e.id));
    await eventually(
      async () => (await handle.query(statusQuery)).state === 'submitted',
      10_000,
      'signal via outbox',
    );
    // The drainer marks the row delivered when its transaction commits, just after the signal.
    const outbox = await eventually(async () => {
      const rows = await ctx.db
        .selectFrom('signal_outbox')
        .selectAll()
        .where('workflow_id', '=', handle.workflowId)
        .execute();
      return rows.every((o) => o.delivered_at) ? rows : undefined;
    });
    assert.equal(outbox.length, 1);
    // submittedAt is set only by the signal handler (a database check at reminder time leaves it null).
    assert.ok((await handle.query(statusQuery)).submittedAt, 'the signal itself reached the workflow');
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 0 });
    assert.equal(ctx.messages(undefined, e.userId).length, 0);

    await new Promise((res) => server.close(() => res(null)));
    // Let the client's own gRPC retries (scheduled while the road was cut) finish before closing it.
    proxy.restore();
    await new Promise((r) => setTimeout(r, 3000));
    await connection.close().catch(() => undefined);
    await proxy.close();
    await ctx.killWorker(worker, 'SIGTERM');
  });

  test('SIGTERM drains the worker and exits 0; the next worker carries the ladder on, each level once', async () => {
    const dept = await ctx.department({ size: 2 });
    let worker = await ctx.spawnWorker();
    const s = { ...(await ctx.schedule(900)), batchWindowMs: 3000 }; // levels at +4 s, +16 s, +28 s
    await ctx.startDay(dept.members, s);
    await eventually(
      () => dept.members.every((e) => ctx.messages('work_notification', e.userId).length > 0),
      30_000,
      'level 1',
    );
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    assert.equal(
      await exited,
      0,
      'a drained worker exits 0 (it used to crash with "Not running … DRAINING")',
    );
    worker = await ctx.spawnWorker();
    const results = await Promise.all(dept.members.map((e) => result(s.workDate, e)));
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['missed', 'missed'],
    );
    for (const e of dept.members) {
      assert.equal(ctx.messages('work_notification', e.userId).length, 1, `level 1 once for ${e.name}`);
      const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
      assert.deepEqual(
        rows.map((r) => [r.level, r.status]),
        [
          [1, 'sent'],
          [2, 'sent'],
          [3, 'sent'],
        ],
      );
    }
    assert.equal(ctx.messages('robot', dept.robotToken ?? '?').length, 1, 'level 2 once');
    const stopped = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    assert.equal(await stopped, 0);
  });

  test('a rolling API restart under load: no 5xx, every acknowledged submission stored once', async () => {
    const dept = await ctx.department({ size: 30 });
    await ctx.expectToday(dept.members);
    const [portA, portB] = [await freePort(), await freePort()];
    const oldApi = await ctx.spawnApi(portA);
    await ctx.spawnApi(portB); // the new version is up before the old one is told to stop
    const urls = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    const statuses: number[] = [];
    // Each client resends with the same key to the other instance when its connection fails,
    // as a load balancer and the page's offline queue do.
    const submitWithFailover = async (e: TestEmployee) => {
      const body = { idempotencyKey: newKey(), answers: validAnswers };
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await ctx.submit(e.id, body, urls[attempt === 0 ? 0 : 1]);
          statuses.push(r.status);
          return r;
        } catch (err) {
          if (attempt > 3) throw err;
        }
      }
    };
    const exited = new Promise<number | null>((r) => oldApi.once('exit', (code) => r(code)));
    const load = dept.members.map((e, i) =>
      new Promise((r) => setTimeout(r, i * 20)).then(() => submitWithFailover(e)),
    );
    await new Promise((r) => setTimeout(r, 150));
    oldApi.kill('SIGTERM'); // while submissions are in flight and more are coming
    const responses = await Promise.all(load);
    assert.equal(await exited, 0, 'the old API drained and exited 0');
    assert.deepEqual(
      statuses.filter((st) => st >= 500),
      [],
      'no 5xx',
    );
    assert.ok(responses.every((r) => r.status === 201 || r.status === 200));
    const stored = await ctx.db
      .selectFrom('health_records')
      .select(['employee_id'])
      .where(
        'employee_id',
        'in',
        dept.members.map((e) => e.id),
      )
      .execute();
    assert.equal(stored.length, dept.members.length, 'each acknowledged submission stored exactly once');
  });
});
