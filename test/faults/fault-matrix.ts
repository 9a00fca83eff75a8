// The fault matrix: one compressed day of many employees submitting steadily while, in turn, the
// worker is SIGKILLed (mid-ladder, mid-call), the API is SIGKILLed, Temporal and Postgres become
// unreachable (TCP proxies cut: the shared servers are never restarted), the clients' network is
// cut (they resend), and DingTalk throttles and fails on each endpoint. Then every person and level
// is checked against the truth. `npm test` runs a short configuration; `npm run test:faults` the full one.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { testEnv, namespaceFor } from '../helpers/test-env.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { freePort } from '../../scripts/temporal-cli.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';

export interface MatrixConfig {
  employees: number;
  departments: number;
  /** day compression: 600 → one company hour is 6 s */
  timeScale: number;
  /** how long Temporal, Postgres and the clients' network stay cut */
  outageMs: number;
  /** share of employees who never submit */
  neverShare: number;
}

export interface MatrixReport {
  config: MatrixConfig;
  acknowledged: number;
  never: number;
  statuses: Record<string, number>;
  clientRetries: number;
  faults: { at: number; what: string }[];
  reminders: Record<string, number>;
  checkedPersonLevels: number;
  seconds: number;
}

/** A small deterministic PRNG, so a failing run can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runFaultMatrix(testFile: string, cfg: MatrixConfig): Promise<MatrixReport> {
  const started = Date.now();
  const t = testEnv();
  const name = namespaceFor(testFile);
  const directDb = `${t.pgBase}/${t.dbPrefix}_${name.replace(/-/g, '_')}`;
  const pgUrl = new URL(directDb);
  const pgProxy = await startTcpProxy(`${pgUrl.hostname}:${pgUrl.port || '5432'}`);
  const temporalProxy = await startTcpProxy(t.temporalAddress);
  const proxiedDb = new URL(directDb);
  proxiedDb.host = pgProxy.address;
  // The worker and API processes reach Postgres and Temporal only through the proxies.
  const ctx = await TestContext.create(testFile, {
    worker: 'none',
    env: {
      DATABASE_URL: proxiedDb.toString(),
      TEMPORAL_ADDRESS: temporalProxy.address,
      DINGTALK_RECEIPT_DELAYS_SECONDS: '1,2',
      SHUTDOWN_GRACE_SECONDS: '3',
    },
  });
  const apiPort = await freePort();
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let clientProxy: TcpProxy | undefined;
  try {
    const perDept = Math.ceil(cfg.employees / cfg.departments);
    const depts = [];
    for (let d = 0; d < cfg.departments; d++) depts.push(await ctx.department({ size: perDept }));
    const people = depts.flatMap((d) => d.members);
    worker = await ctx.spawnWorker();
    api = await ctx.spawnApi(apiPort);
    clientProxy = await startTcpProxy(`127.0.0.1:${apiPort}`);
    const apiUrl = `http://${clientProxy.address}`;

    const s = await ctx.schedule(cfg.timeScale);
    const t0 = Date.parse(s.opensAt);
    const hour = 3600_000 / cfg.timeScale;
    const levelAt = s.reminders.map((r) => Date.parse(r.at));
    const closesAt = Date.parse(s.closesAt);
    await ctx.startDay(people, s);

    // Who submits when: spread over the day, some never.
    const random = rng(16);
    const plan = new Map<number, number | null>(
      people.map((e) => [e.id, random() < cfg.neverShare ? null : t0 + (0.2 + random() * 7.3) * hour]),
    );
    const acked = new Map<number, number>();
    const statuses: Record<string, number> = {};
    let clientRetries = 0;
    const oddAnswers: unknown[] = [];
    const submitter = async (e: TestEmployee, at: number) => {
      await sleep(at - Date.now());
      const body = { idempotencyKey: newKey(), answers: validAnswers };
      for (;;) {
        try {
          const r = await ctx.submit(e.id, body, apiUrl);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status >= 500 && r.status !== 503 && oddAnswers.length < 5) oddAnswers.push(r.body);
          if (r.status === 200 || r.status === 201) {
            acked.set(e.id, Date.now());
            return;
          }
          if (r.status !== 503) return; // a refusal the client does not retry (asserted below)
        } catch {
          statuses.network = (statuses.network ?? 0) + 1; // API killed or network cut: resend
        }
        clientRetries++;
        if (Date.now() > closesAt) return;
        await sleep(300);
      }
    };
    const clients = people.flatMap((e) => {
      const at = plan.get(e.id);
      return at == null ? [] : [submitter(e, at)];
    });

    // The faults, in turn, at fixed points of the compressed day.
    const faults: { at: number; what: string }[] = [];
    const at = async (h: number, what: string, act: () => Promise<void> | void) => {
      await sleep(t0 + h * hour - Date.now());
      faults.push({ at: Math.round((Date.now() - t0) / 100) / 10, what });
      await act();
    };
    const dingtalkFaults = () => {
      const f = (path: string, x: { errcode?: number; httpStatus?: number }, remaining: number) =>
        ctx.fake.state.faults.push({ path, ...x, remaining });
      f('/topapi/message/corpconversation/asyncsend_v2', { errcode: 90018 }, 3);
      f('/topapi/message/corpconversation/asyncsend_v2', { httpStatus: 503 }, 2);
      f('/robot/send', { errcode: 410100 }, 3);
      f('/robot/send', { httpStatus: 502 }, 1);
      f('/v1.0/todo/', { httpStatus: 503 }, 2);
      f('/v1.0/todo/', { httpStatus: 429 }, 2);
      f('/topapi/message/corpconversation/getsendresult', { errcode: 90018 }, 2);
    };
    const restartWorker = async () => {
      if (worker) await ctx.killWorker(worker, 'SIGKILL');
      worker = await ctx.spawnWorker();
    };
    const schedule = (async () => {
      await at(0.5, 'DingTalk throttling and 5xx on every endpoint', dingtalkFaults);
      await at(1.02, 'worker SIGKILL mid-call (level 1)', restartWorker);
      await at(2, 'API SIGKILL', async () => {
        if (api) await ctx.killWorker(api, 'SIGKILL');
        api = await ctx.spawnApi(apiPort);
      });
      await at(2.3, `Temporal unreachable ${cfg.outageMs} ms`, async () => {
        temporalProxy.cut();
        await sleep(cfg.outageMs);
        temporalProxy.restore();
      });
      await at(3.45, 'worker SIGKILL mid-ladder', restartWorker);
      await at(3.5, `Postgres unreachable ${cfg.outageMs} ms`, async () => {
        pgProxy.cut();
        await sleep(cfg.outageMs);
        pgProxy.restore();
      });
      await at(4.02, 'worker SIGKILL mid-call (level 2)', restartWorker);
      await at(5, `client network cut ${cfg.outageMs} ms`, async () => {
        clientProxy?.cut();
        await sleep(cfg.outageMs);
        clientProxy?.restore();
      });
      await at(6.5, 'DingTalk throttling and 5xx again', dingtalkFaults);
      await at(7.02, 'worker SIGKILL mid-call (level 3)', restartWorker);
    })();
    await Promise.all([schedule, ...clients]);

    // Every day workflow ends, nothing stays running, the outbox is empty.
    for (const e of people) await ctx.dayResult(s.workDate, e.id);
    let running: string[] = [];
    await eventually(
      async () => {
        running = [];
        for await (const wf of ctx.temporal.workflow.list({ query: 'ExecutionStatus = "Running"' }))
          running.push(`${wf.type}:${wf.workflowId}`);
        return running.length === 0;
      },
      120_000,
      'no running workflow',
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}; still running: ${running.slice(0, 10).join(', ')}\n${await describeStuck(ctx, running)}`,
      );
    });
    const undelivered = await ctx.db
      .selectFrom('signal_outbox')
      .select('id')
      .where('delivered_at', 'is', null)
      .execute();
    assert.deepEqual(undelivered, [], 'no undelivered outbox row');

    // 2xx = stored; nothing but 2xx, 503 (outage) and connection errors.
    const stored = new Set(
      (await ctx.db.selectFrom('health_records').select('employee_id').execute()).map((r) => r.employee_id),
    );
    for (const id of acked.keys()) assert.ok(stored.has(id), `acknowledged submission of ${id} stored`);
    assert.deepEqual(
      Object.keys(statuses).filter((k) => !['200', '201', '503', 'network'].includes(k)),
      [],
      `unexpected answers: ${JSON.stringify(statuses)}; ${JSON.stringify(oddAnswers)}; errors logged: ${ctx.childErrors.slice(0, 5).join('\n')}`,
    );

    // Per person and level, against the truth.
    const rows = await listRemindersForDay(ctx.db, s.workDate);
    const reminders: Record<string, number> = {};
    let checked = 0;
    for (const dept of depts) {
      const robotPosts = ctx.messages('robot', dept.robotToken ?? '?');
      const managerCards = ctx.messages('work_notification', dept.manager.userId);
      for (const e of dept.members) {
        const ack = acked.get(e.id);
        const named = (text: string) => new RegExp(`(^|[：、\\s-])${e.name}([、。\\n]|$)`).test(text);
        for (const level of [1, 2, 3] as const) {
          const instant = levelAt[level - 1] ?? Infinity;
          const row = rows.find((r) => r.employee_id === e.id && r.level === level);
          const sent =
            level === 1
              ? ctx.messages('work_notification', e.userId).length
              : level === 2
                ? robotPosts.filter((m) => named(m.text)).length
                : ctx.messages('todo').filter((m) => m.title.includes(`${e.name}（${dept.name}）`)).length;
          if (ack !== undefined && ack < instant - 0.1 * hour) {
            assert.equal(row, undefined, `${e.name}: acknowledged before level ${level}, no reminder row`);
            assert.equal(sent, 0, `${e.name}: acknowledged before level ${level}, nothing sent`);
            checked++;
          } else if (ack === undefined) {
            reminders[`L${level} ${row?.status}`] = (reminders[`L${level} ${row?.status}`] ?? 0) + 1;
            if (level === 2 && row?.status === 'unknown') {
              // the post's fate is unknown: at most one post, and the manager was told directly
              assert.ok(sent <= 1, `${e.name}: level 2 posted at most once`);
              assert.ok(
                managerCards.some((m) => named(m.text)),
                `${e.name}: manager told directly`,
              );
            } else {
              assert.equal(row?.status, 'sent', `${e.name}: level ${level} sent`);
              assert.equal(sent, 1, `${e.name}: level ${level} exactly once`);
            }
            checked++;
          }
        }
      }
    }
    return {
      config: cfg,
      acknowledged: acked.size,
      never: [...plan.values()].filter((v) => v === null).length,
      statuses,
      clientRetries,
      faults,
      reminders,
      checkedPersonLevels: checked,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    if (api) await ctx.killWorker(api, 'SIGTERM');
    await ctx.close();
    await Promise.all([pgProxy.close(), temporalProxy.close(), clientProxy?.close()]);
  }
}

/** What a workflow left running is waiting for: its pending activities and their last failure. */
async function describeStuck(ctx: TestContext, running: string[]): Promise<string> {
  const out: string[] = [];
  for (const r of running.slice(0, 5)) {
    const workflowId = r.slice(r.indexOf(':') + 1);
    try {
      const d = await ctx.temporal.workflow.getHandle(workflowId).describe();
      const pending = (d.raw.pendingActivities ?? []).map((a) => ({
        activity: a.activityType?.name,
        state: a.state,
        attempt: a.attempt,
        lastFailure: a.lastFailure?.message,
        lastWorker: a.lastWorkerIdentity,
      }));
      const history = await ctx.temporal.workflow.getHandle(workflowId).fetchHistory();
      const events = (history.events ?? []).slice(-8).map((e) => String(e.eventType));
      out.push(`${r}: pending ${JSON.stringify(pending)}; last events ${events.join(' ')}`);
    } catch (e) {
      out.push(`${r}: ${(e as Error).message}`);
    }
  }
  return out.join('\n');
}
