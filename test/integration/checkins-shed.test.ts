// Admission control (issue #15): an API process already working on SUBMIT_MAX_IN_FLIGHT submissions
// refuses one more at once with 503 overloaded and Retry-After, stores and audits nothing for it,
// and takes the same request (same idempotency key) once the others are done: stored once. Reads,
// probes and admin routes are never refused. The submissions are held in progress by a transaction
// that lets reads through but no insert into health_records (no sleeps: the test waits for the
// process's own in-flight gauge and for the held inserts to wait on that lock).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { translate } from '../../admin-ui/src/i18n/translate.ts';
import { problemTitle, type Problem } from '../../admin-ui/src/problem-text.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { signInEmployee } from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: Awaited<ReturnType<TestContext['department']>>;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    env: { SUBMIT_MAX_IN_FLIGHT: '2' },
  });
  dept = await ctx.department({ size: 4 });
});
after(async () => ctx.close());

const member = (i: number) => dept.members[i] as TestEmployee;

const records = (employeeId: number) =>
  ctx.db
    .selectFrom('health_records')
    .select(['id', 'idempotency_key'])
    .where('employee_id', '=', employeeId)
    .execute();

/** This process's metrics (outside production the API port serves them). */
async function metric(series: RegExp): Promise<number> {
  const text = await (await fetch(`${ctx.apiUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => series.test(l));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const inFlight = () => metric(/^hc_submissions_in_flight /);
const overloadedRefusals = () =>
  metric(/^hc_submissions_total\{outcome="refused",reason="overloaded",issue=""\} /);

/** Backends of the test database waiting for a lock (the held inserts). */
async function waitingOnLocks(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe('admission control for submissions', () => {
  test('over the bound: 503 at once with Retry-After and the message, nothing stored; the same request later is stored once', async () => {
    const [a, b, c, d] = [member(0), member(1), member(2), member(3)];
    await ctx.expectToday([a, b, c, d]);
    const manager = await signInEmployee(ctx, dept.manager);
    const overloadedBefore = await overloadedRefusals();

    const lock = new pg.Client({ connectionString: ctx.config.databaseUrl });
    await lock.connect();
    let held: Promise<{ status: number; body: Record<string, unknown> }>[] = [];
    const cBody = { idempotencyKey: newKey(), answers: validAnswers };
    const dBody = { idempotencyKey: newKey(), answers: validAnswers, reason: '住院中' };
    let shedRequestId = '';
    try {
      await lock.query('begin');
      await lock.query('lock table health_records in share mode');
      held = [a, b].map((e) => ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers }));
      await eventually(
        async () => (await inFlight()) === 2 && (await waitingOnLocks(lock)) >= 1,
        30_000,
        'two submissions in progress, their insert waiting',
      );

      // the third: refused at once
      const res = await fetch(`${ctx.apiUrl}/api/me/checkins`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${ctx.token(c.id)}`,
        },
        body: JSON.stringify(cBody),
      });
      assert.equal(res.status, 503);
      assert.match(String(res.headers.get('content-type')), /^application\/problem\+json/);
      assert.equal(res.headers.get('retry-after'), '5');
      shedRequestId = String(res.headers.get('x-request-id'));
      const problem = (await res.json()) as Problem & { status: number };
      assert.equal(problem.code, 'overloaded');
      assert.equal(problem.status, 503);
      assert.deepEqual(problem.params, { retryAfter: 5 });
      // the title says it in both languages; the UIs say the code in the person's
      assert.match(String(problem.title), /服务繁忙/);
      assert.match(String(problem.title), /busy.*not stored.*same idempotencyKey/);
      const say = (lang: 'zh' | 'en') => problemTitle(problem, (k, v) => translate(lang, k, v));
      assert.equal(say('zh'), '服务繁忙，本次提交未保存，请 5 秒后重试');
      assert.equal(say('en'), 'The service is busy: nothing was saved; try again in 5 s');

      // 代填 shares the bound
      const proxied = await manager.call('POST', `/api/employees/${d.id}/proxy-checkins`, dBody);
      assert.equal(proxied.status, 503, JSON.stringify(proxied.body));
      assert.equal((proxied.body as Problem).code, 'overloaded');
      assert.equal(proxied.headers.get('retry-after'), '5');

      // reads, probes and admin routes are never refused
      const today = await fetch(`${ctx.apiUrl}/api/me/today`, {
        headers: { authorization: `Bearer ${ctx.token(c.id)}` },
      });
      assert.equal(today.status, 200);
      assert.equal((await fetch(`${ctx.apiUrl}/livez`)).status, 200);
      assert.equal((await ctx.admin('GET', '/api/policy')).status, 200);
      assert.equal((await manager.call('GET', '/api/auth/me')).status, 200);

      assert.equal(await inFlight(), 2, 'the refusals took no slot');
      assert.deepEqual(await records(c.id), []);
      assert.deepEqual(await records(d.id), []);
      assert.equal(await overloadedRefusals(), overloadedBefore + 2);
    } finally {
      await lock.query('rollback');
      await lock.end();
    }

    // the held ones finish
    const answers = await Promise.all(held);
    assert.deepEqual(
      answers.map((r) => r.status),
      [201, 201],
      JSON.stringify(answers.map((r) => r.body)),
    );
    await eventually(async () => (await inFlight()) === 0, 10_000, 'the slots released');

    // nothing was written for the refused requests: no record, no audit row
    const audited = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('request_id', '=', shedRequestId)
      .execute();
    assert.deepEqual(audited, []);

    // the same requests again (same keys): stored once each, then replayed
    const again = await ctx.submit(c.id, cBody);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    const proxiedAgain = await manager.call('POST', `/api/employees/${d.id}/proxy-checkins`, dBody);
    assert.equal(proxiedAgain.status, 201, JSON.stringify(proxiedAgain.body));
    const replay = await ctx.submit(c.id, cBody);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.replayed, true);
    assert.deepEqual(
      (await records(c.id)).map((r) => r.idempotency_key),
      [cBody.idempotencyKey],
    );
    assert.deepEqual(
      (await records(d.id)).map((r) => r.idempotency_key),
      [dBody.idempotencyKey],
    );
    for (const e of [a, b]) assert.equal((await records(e.id)).length, 1);
  });
});
