// /metrics after a compressed day: the series operators alert on carry the values the day produced
// (this test file is its own process, so the counters start at zero here).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort } from '../../scripts/temporal-cli.ts';
import { startWorkerHealthServer } from '../../worker/health-server.ts';
import { monitoringExprs, seriesNamesIn } from '../helpers/monitoring.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

/** levels 12 s apart (level 1 at +4 s), the window closes at +32 s */
const SCALE = 900;
let ctx: TestContext;

let temporalMetricsPort = 0;

before(async () => {
  temporalMetricsPort = await freePort();
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    // the Temporal SDK's own Prometheus endpoint, from the in-process worker's runtime
    env: { TEMPORAL_METRICS_PORT: String(temporalMetricsPort) },
  });
});
after(async () => ctx.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it for these assertions. */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${ctx.apiUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

/** The value of the one sample of `name` with these labels (0 when the series does not exist yet). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hits = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hits.reduce((sum, s) => sum + s.value, 0);
}

test('after a compressed day /metrics shows what the day did', async () => {
  const dept = await ctx.department({ size: 5 });
  const [a, b, sick, late1, late2] = dept.members as [
    TestEmployee,
    TestEmployee,
    TestEmployee,
    TestEmployee,
    TestEmployee,
  ];
  // DingTalk throttles the first level-1 notification once: retried, visible as a throttle
  ctx.fake.state.faults.push({
    path: '/topapi/message/corpconversation/asyncsend_v2',
    errcode: 90018,
    bodyIncludes: late1.userId,
    remaining: 1,
  });
  const s = await ctx.schedule(SCALE);
  await ctx.startDay(dept.members, s);

  // three accepted (one abnormal: a review opens), one replay, two refusals
  const key = newKey();
  assert.equal((await ctx.submit(a.id, { idempotencyKey: key, answers: validAnswers })).status, 201);
  assert.equal((await ctx.submit(a.id, { idempotencyKey: key, answers: validAnswers })).status, 200);
  const stored = await ctx.submit(b.id, { idempotencyKey: newKey(), answers: validAnswers });
  assert.equal(stored.status, 201);
  const recordId = (stored.body as { record: { id: number } }).record.id;
  const red = { ...validAnswers, temperature: 38.6 };
  assert.equal((await ctx.submit(sick.id, { idempotencyKey: newKey(), answers: red })).status, 201);
  const again = await ctx.submit(b.id, { idempotencyKey: newKey(), answers: validAnswers });
  assert.equal(again.status, 409);
  const invalid = await ctx.submit(late1.id, { idempotencyKey: newKey(), answers: {} });
  assert.equal(invalid.status, 400);
  const invalidIssue = (invalid.body as { errors?: { code?: string }[] }).errors?.[0]?.code ?? '';

  // a route with an id: its series is labelled by the template, never the id
  assert.equal((await ctx.admin('GET', `/api/records/${recordId}`)).status, 200);

  const results = await Promise.all(dept.members.map((e) => ctx.dayResult(s.workDate, e.id)));
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['submitted', 'submitted', 'submitted', 'missed', 'missed'],
  );
  assert.ok(
    ctx.fake.state.faults.every((f) => f.remaining === 0),
    'the injected throttle was hit',
  );

  // the outbox is drained (signal pump / drainer), so the backlog reads 0
  const m = await eventually(
    async () => {
      const samples = await scrape();
      return value(samples, 'hc_outbox_backlog') === 0 &&
        value(samples, 'hc_reminders_total', { level: '3', status: 'sent' }) === 2
        ? samples
        : null;
    },
    30_000,
    'outbox drained and level 3 sent',
  );

  const submissions = (labels: Record<string, string>) => value(m, 'hc_submissions_total', labels);
  assert.equal(submissions({ outcome: 'accepted', reason: 'stored' }), 3);
  assert.equal(submissions({ outcome: 'accepted', reason: 'replayed' }), 1);
  assert.equal(submissions({ outcome: 'refused', reason: 'already_submitted' }), 1);
  assert.equal(submissions({ outcome: 'refused', reason: 'validation_failed', issue: invalidIssue }), 1);
  assert.ok(invalidIssue, 'a validation refusal names its first issue code');

  // the ladder: every non-submitter got each level once, nobody else anything
  for (const level of ['1', '2', '3'])
    assert.equal(value(m, 'hc_reminders_total', { level, status: 'sent' }), 2, `level ${level} sent`);
  assert.equal(value(m, 'hc_reminders_total', { status: 'failed' }), 0);
  assert.equal(ctx.messages('work_notification', late2.userId).length, 1);

  // DingTalk: the throttle is visible by endpoint and errcode, the retry succeeded
  const asyncsend = '/topapi/message/corpconversation/asyncsend_v2';
  assert.equal(value(m, 'hc_dingtalk_throttled_total', { endpoint: asyncsend }), 1);
  assert.equal(value(m, 'hc_dingtalk_calls_total', { endpoint: asyncsend, errcode: '90018' }), 1);
  assert.ok(value(m, 'hc_dingtalk_calls_total', { endpoint: asyncsend, errcode: '0' }) >= 1);
  assert.equal(value(m, 'hc_dingtalk_calls_total', { endpoint: '/robot/send', errcode: '0' }), 1);
  // the to-do endpoint's union id is replaced by a placeholder (one series, not one per HR person)
  const todo = m.filter((x) => x.name === 'hc_dingtalk_calls_total' && x.labels.endpoint?.includes('todo'));
  assert.deepEqual([...new Set(todo.map((x) => x.labels.endpoint))], ['/v1.0/todo/users/{unionId}/tasks']);

  // HTTP: by route template and status
  const http = (labels: Record<string, string>) =>
    value(m, 'hc_http_request_duration_seconds_count', { method: 'POST', ...labels });
  assert.equal(http({ route: '/api/me/checkins', status: '201' }), 3);
  assert.equal(http({ route: '/api/me/checkins', status: '200' }), 1);
  assert.equal(http({ route: '/api/me/checkins', status: '409' }), 1);
  assert.equal(http({ route: '/api/me/checkins', status: '400' }), 1);
  assert.equal(
    value(m, 'hc_http_request_duration_seconds_count', { method: 'GET', route: '/api/records/:id' }),
    1,
  );
  const routes = new Set(
    m.filter((x) => x.name === 'hc_http_request_duration_seconds_count').map((x) => x.labels.route),
  );
  assert.ok(
    ![...routes].some((r) => r?.includes(String(recordId))),
    `no raw ids in routes: ${[...routes].join(' ')}`,
  );

  // from Postgres at scrape time: the outbox, the open review, today's days
  assert.equal(value(m, 'hc_outbox_oldest_age_seconds'), 0);
  assert.equal(value(m, 'hc_review_backlog', { status: 'pending' }), 1);
  assert.ok(value(m, 'hc_review_oldest_age_seconds', { status: 'pending' }) > 0);
  assert.equal(value(m, 'hc_review_backlog', { status: 'recheck_requested' }), 0);
  assert.equal(value(m, 'hc_day_employees', { state: 'expected' }), 5);
  assert.equal(value(m, 'hc_day_employees', { state: 'submitted' }), 3);
  assert.equal(value(m, 'hc_day_employees', { state: 'missed' }), 2);
  assert.equal(value(m, 'hc_day_employees', { state: 'pending' }), 0);
  assert.equal(value(m, 'hc_worker_polling'), 1);
});

test('in production the API port does not answer /metrics; METRICS_PORT does', async () => {
  const { loadConfig } = await import('../../config/config.ts');
  const { createApp } = await import('../../api/app.ts');
  const { startMetricsServer } = await import('../../platform/metrics.ts');
  const prod = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'a-production-secret-of-some-length',
    FIELD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    DATABASE_URL: ctx.config.databaseUrl,
  });
  const app = createApp({
    db: ctx.db,
    temporal: ctx.temporal,
    dingtalk: {} as never,
    config: prod,
    logger: (await import('../../config/logger.ts')).createLogger('silent', 'prod'),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const internal = await startMetricsServer(0, '127.0.0.1');
  try {
    const pub = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(pub.status, 404);
    const res = await fetch(`${internal.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^# HELP hc_http_request_duration_seconds /m);
    assert.equal((await fetch(`${internal.url}/api/me/checkins`)).status, 404);
    // the worker's health server serves its /metrics next to /livez and /readyz
    const health = await startWorkerHealthServer({ db: ctx.db, polling: () => true }, 0);
    try {
      const w = await fetch(`${health.url}/metrics`);
      assert.equal(w.status, 200);
      assert.match(await w.text(), /^hc_worker_polling 1$/m);
    } finally {
      await health.close();
    }
  } finally {
    await internal.close();
    await new Promise((r) => server.close(r));
  }
});

test('the worker serves the Temporal SDK metrics the dashboard and alerts read', async () => {
  const text = await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`).catch(() => null);
      const body = res?.ok ? await res.text() : '';
      return body.includes('temporal_workflow_task_schedule_to_start_latency_bucket') ? body : null;
    },
    30_000,
    'temporal_* series',
  );
  const served = new Set(parseMetrics(text).map((x) => x.name));
  const used = monitoringExprs().flatMap(({ where, expr }) =>
    seriesNamesIn(expr)
      .filter((n) => n.startsWith('temporal_'))
      .map((n) => ({ where, n })),
  );
  assert.ok(used.length > 0, 'the dashboard shows worker task latency from the SDK');
  assert.deepEqual(
    used.filter((u) => !served.has(u.n)).map((u) => `${u.where}: ${u.n}`),
    [],
    'temporal_* series the SDK does not serve',
  );
});
