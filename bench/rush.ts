// Benchmark: the 09:00 morning rush. N employees with today's day rows, the API in its own process
// and an open-loop load generator in another, posting `POST /api/me/checkins` at fixed offered
// rates (distinct employees and idempotency keys; a mix of normal, warning and red answers; a few
// double taps sent twice at once). Baseline in the same run: a bare Express 5 route with the same
// body parsing, at the same rates. Every stage is checked against Postgres (records = distinct
// employees answered 2xx, reviews = abnormal records) and timed until the outbox is delivered.
// `npm run bench:rush -- [--employees 20000] [--rates 100,200,…] [--seconds 8] [--keep-going]`.
// Figures are appended to bench/RESULTS.md.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import express from 'express';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../api/app.ts';
import { GroupCommit } from '../api/checkins/group-commit.ts';
import { signEmployeeToken } from '../api/auth/employee-token.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, type DB } from '../db/connect.ts';
import { startEmployeeDays } from '../activities/checkin-day.ts';
import { insertDaysIfAbsent } from '../db/repositories/checkin-days.ts';
import { checkinWorkflowId } from '../domain/workflow-ids.ts';
import { statusQuery } from '../workflows/messages.ts';
import { getPublishedForm } from '../db/repositories/forms.ts';
import { savePolicy } from '../db/repositories/policy.ts';
import { seedGeneratedEmployees } from '../db/seed.ts';
import { startFakeDingTalk } from '../dingtalk/fake-server.ts';
import { computeDaySchedule } from '../domain/day-schedule.ts';
import { defaultPolicy, type CheckinPolicy } from '../domain/policy.ts';
import { workDateAt } from '../domain/zoned-time.ts';
import { createDingTalk } from '../platform/dingtalk.ts';
import { connectTemporal, ensureSearchAttributes } from '../platform/temporal.ts';
import { ensureTemporalCli, freePort, startTemporalDevServer } from '../scripts/temporal-cli.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { runWorker } from '../worker/run-worker.ts';
import { machine } from './machine.ts';
import { formatSummary, readProfile, summariseProfile } from './cpu-profile.ts';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    employees: { type: 'string', default: '20000' },
    rates: { type: 'string', default: '100,250,500,1000,1500,2000,2500,3000' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '256' },
    spec: { type: 'string' },
    /** keep raising the rate after the app has clearly saturated */
    'keep-going': { type: 'boolean', default: false },
    /** a label for the RESULTS.md section (what this run measures) */
    label: { type: 'string', default: '' },
    /** rush: stages of rising offered rates; day: every employee once over --seconds, with dashboard reads and exports */
    mode: { type: 'string', default: 'rush' },
    /** day mode: how the export every 30 s is asked for (auto: what HR's button does: a workflow above EXPORT_SYNC_MAX_RECORDS; none: no exports) */
    'export-mode': { type: 'string', default: 'auto' },
    /** API processes (each its own pool, pump and group commit; the load generator spreads requests over them) */
    'api-processes': { type: 'string', default: '1' },
    /**
     * 'yes': each stage's employees have today's day workflow running (started before the stage), as
     * in production, so their submit signals are delivered for real; 'no': day rows only (every
     * day signal ends as "workflow not found")
     */
    'day-workflows': { type: 'string', default: 'yes' },
    /** 'no': skip the bare-Express stages (e.g. so a RUSH_CPU_PROF profile covers the app alone) */
    bare: { type: 'string', default: 'yes' },
    /** print the section without appending it to RESULTS.md (smoke runs) */
    'dry-run': { type: 'boolean', default: false },
  },
});

const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';

/** The whole company day in Shanghai: nothing fires during the bench, nothing is late. */
const benchPolicy: CheckinPolicy = {
  ...defaultPolicy,
  windowStart: '00:00',
  reminderTimes: ['23:50', '23:52', '23:54'],
  windowEnd: '23:58',
};

interface Item {
  employeeId: number;
  token: string;
  body: string;
  abnormal: boolean;
  /** sent twice at the same instant (a double tap) */
  twice: boolean;
}

interface LoadSpec {
  /** one or several API processes: request k goes to urls[k % urls.length] (a round-robin balancer) */
  urls: string[];
  rate: number;
  connections: number;
  items: Item[];
}

interface Outcome {
  i: number;
  status: number;
  ms: number;
  reviewId: number | null;
  replayed: boolean;
}

interface LoadResult {
  offered: number;
  sent: number;
  seconds: number;
  outcomes: Outcome[];
}

// ---------------------------------------------------------------- load generator (child process)

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const targets = spec.urls.map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const outcomes: Outcome[] = [];
  const send = (i: number, item: Item, scheduled: number) =>
    new Promise<void>((resolve) => {
      const url = targets[i % targets.length] as URL;
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(item.body),
            authorization: `Bearer ${item.token}`,
          },
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let reviewId: number | null = null;
            let replayed = false;
            if (res.statusCode && res.statusCode < 300) {
              try {
                const j = JSON.parse(Buffer.concat(chunks).toString()) as {
                  reviewId?: number | null;
                  replayed?: boolean;
                };
                reviewId = j.reviewId ?? null;
                replayed = j.replayed === true;
              } catch {
                // the bare route answers without a body worth reading
              }
            }
            outcomes.push({
              i,
              status: res.statusCode ?? 0,
              ms: performance.now() - scheduled,
              reviewId,
              replayed,
            });
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        outcomes.push({ i, status: 0, ms: performance.now() - scheduled, reviewId: null, replayed: false });
        resolve();
      });
      req.end(item.body);
    });

  // Open loop: request k is due at t0 + k/rate whatever happened to the ones before it, and its
  // latency counts from when it was due (no coordinated omission).
  const pending: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  let k = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (k < spec.items.length && t0 + (k * 1000) / spec.rate <= now) {
        const item = spec.items[k] as Item;
        const due = t0 + (k * 1000) / spec.rate;
        pending.push(send(k, item, due));
        if (item.twice) pending.push(send(k, item, due));
        k++;
      }
      if (k >= spec.items.length) return done();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sentFor = (performance.now() - t0) / 1000;
  await Promise.all(pending);
  agent.destroy();
  return { offered: spec.rate, sent: pending.length, seconds: sentFor, outcomes };
}

// ---------------------------------------------------------------- API under test (child process)

/**
 * Counts queries and their time, the time spent waiting for Temporal, for a pool connection and in
 * the group commit, and the event loop's delay, in this process (the stage's figures are the
 * differences between two reads of /stats).
 */
function instrument(temporal: { withDeadline: <R>(d: number, fn: () => Promise<R>) => Promise<R> }) {
  const stats = {
    queries: 0,
    queryMs: 0,
    temporalCalls: 0,
    temporalMs: 0,
    /** pool checkouts and the time spent waiting for one */
    acquires: 0,
    acquireMs: 0,
    /** group commit: requests, their time from joining to their answer, batches, time in the batch's transaction */
    groupWrites: 0,
    groupWaitMs: 0,
    groupBatches: 0,
    groupBatchMs: 0,
    /** server time of POST /api/me/checkins, arrival to 'finish' */
    served: 0,
    servedMs: 0,
    /** submissions the server has not finished with (a client that gave up does not end them) */
    inFlight: 0,
  };
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const orig = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const r = orig.apply(this, a);
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      const t = performance.now();
      stats.queries++;
      (r as Promise<unknown>).then(
        () => (stats.queryMs += performance.now() - t),
        () => (stats.queryMs += performance.now() - t),
      );
    }
    return r;
  };
  const poolProto = pg.Pool.prototype as unknown as { connect: (...a: unknown[]) => unknown };
  const origConnect = poolProto.connect;
  poolProto.connect = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    stats.acquires++;
    const r = origConnect.apply(this, a);
    if (r && typeof (r as Promise<unknown>).then === 'function')
      (r as Promise<unknown>).then(
        () => (stats.acquireMs += performance.now() - t),
        () => undefined,
      );
    return r;
  };
  const gc = GroupCommit.prototype as unknown as {
    write: (...a: unknown[]) => Promise<unknown>;
    commit: (...a: unknown[]) => Promise<unknown>;
  };
  const write = gc.write;
  gc.write = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    stats.groupWrites++;
    return write.apply(this, a).finally(() => (stats.groupWaitMs += performance.now() - t));
  };
  const commit = gc.commit;
  gc.commit = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    stats.groupBatches++;
    return commit.apply(this, a).finally(() => (stats.groupBatchMs += performance.now() - t));
  };
  const withDeadline = temporal.withDeadline.bind(temporal);
  temporal.withDeadline = async <R>(d: number, fn: () => Promise<R>) => {
    const t = performance.now();
    stats.temporalCalls++;
    try {
      return await withDeadline(d, fn);
    } finally {
      stats.temporalMs += performance.now() - t;
    }
  };
  const served = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/api/me/checkins') return;
    const t = performance.now();
    stats.inFlight++;
    res.once('finish', () => {
      stats.served++;
      stats.servedMs += performance.now() - t;
    });
    res.once('close', () => stats.inFlight--);
  };
  return { stats, served };
}

/** The event loop's delay since the last read (ms): mean, p99, max. */
function loopDelay() {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return () => {
    const r = { mean: h.mean / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
    h.reset();
    return r;
  };
}

async function runApi(): Promise<void> {
  const config = loadConfig();
  const keyring = new FieldKeyring(config.fieldEncryption);
  const logger = createLogger(config.logLevel, 'bench-api');
  const db = withFieldKeys(createDb(config.databaseUrl, config.databasePoolSize), keyring);
  const { client } = await connectTemporal(config.temporal.address ?? '', config.temporal.namespace, keyring);
  const { stats, served } = instrument(client);
  const delay = loopDelay();
  const app = createApp({ db, temporal: client, dingtalk: createDingTalk(config, logger), config, logger });
  const server = app.listen(0, '127.0.0.1');
  server.prependListener('request', served);
  // The baseline: Express 5 with the same JSON body parsing, answering 201 with a small JSON body.
  const bare = express();
  bare.disable('x-powered-by');
  bare.use(express.json({ limit: '500kb' }));
  bare.post('/api/me/checkins', (req, res) => {
    const body = req.body as { idempotencyKey?: string };
    res
      .status(201)
      .json({ record: { idempotencyKey: body.idempotencyKey }, replayed: false, reviewId: null });
  });
  bare.get('/stats', (_req, res) => {
    const cpu = process.cpuUsage();
    res.json({
      ...stats,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      loopDelay: delay(),
    });
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
  await Promise.all([server, bareServer].map((s) => new Promise((r) => s.once('listening', r))));
  process.stdout.write(
    `${JSON.stringify({
      port: (server.address() as AddressInfo).port,
      barePort: (bareServer.address() as AddressInfo).port,
    })}\n`,
  );
}

// ---------------------------------------------------------------- orchestrator

function child(role: string, env: NodeJS.ProcessEnv, extra: string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    [
      // RUSH_CPU_PROF=<dir>: a V8 CPU profile of the API process, written when the bench ends
      ...(role === 'api' && env.RUSH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', env.RUSH_CPU_PROF] : []),
      '--import',
      'tsx',
      join(import.meta.dirname, 'rush.ts'),
      '--role',
      role,
      ...extra,
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

async function firstLine(p: ChildProcess): Promise<string> {
  const rl = createInterface({ input: p.stdout as NodeJS.ReadableStream });
  for await (const line of rl) return line;
  throw new Error('child exited without answering');
}

async function loadFromChild(spec: LoadSpec, dir: string): Promise<LoadResult> {
  const file = join(dir, `spec-${spec.rate}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const p = child('load', process.env, ['--spec', file]);
  const out = await firstLine(p);
  await new Promise((r) => p.once('exit', r));
  return JSON.parse(out) as LoadResult;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;

interface ApiStats {
  queries: number;
  queryMs: number;
  temporalCalls: number;
  temporalMs: number;
  acquires: number;
  acquireMs: number;
  groupWrites: number;
  groupWaitMs: number;
  groupBatches: number;
  groupBatchMs: number;
  served: number;
  servedMs: number;
  inFlight: number;
  cpuMs: number;
  rssMb: number;
  loopDelay: { mean: number; p99: number; max: number };
}

/**
 * RUSH_CPU_PROF=<dir>: where each API process's CPU went (bench/cpu-profile.ts), over its whole
 * life: the warm-up, every app stage and, unless `--bare no`, the bare stages too.
 */
function profiles(appRequests: number): string {
  const dir = process.env.RUSH_CPU_PROF;
  if (!dir) return '';
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return (
    `\nCPU profiles of the API process${files.length > 1 ? 'es' : ''} (\`RUSH_CPU_PROF\`, ${dir}; the warm-up's 200 requests${args.bare === 'no' ? '' : ' and the bare stages'} included; per unit = per app request):\n\n` +
    files
      .map(
        (f) =>
          '```\n' +
          formatSummary(summariseProfile(readProfile(join(dir, f))), {
            per: (appRequests + 200) / files.length,
          }) +
          '\n```',
      )
      .join('\n') +
    '\n'
  );
}

/**
 * What this database's Postgres backends were doing, sampled every 20 ms while a stage ran: per
 * sample, how many were running, idle in a transaction, or waiting (by wait event).
 */
function sampleBackends(db: DB) {
  const counts = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const r = await sql<{ what: string; n: number }>`
        select case when state = 'active' and wait_event_type is not null
                      then wait_event_type || ':' || wait_event
                    when state = 'active' then 'running'
                    else state end as what,
               count(*)::int as n
        from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and state in ('active', 'idle in transaction')
          and query not ilike '%pg_stat_activity%'
        group by 1`.execute(db);
      samples++;
      for (const { what, n } of r.rows) counts.set(what, (counts.get(what) ?? 0) + n);
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return async () => {
    stop = true;
    await done;
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, n]) => `${k} ${(n / Math.max(samples, 1)).toFixed(2)}`)
      .join(', ');
  };
}

interface StageRow {
  target: 'app' | 'bare';
  offered: number;
  requests: number;
  ok: number;
  acceptedPerS: number;
  p50: number;
  p99: number;
  errors: number;
  errorKinds: string;
  load: string;
  records?: number;
  expectedRecords?: number;
  reviews?: number;
  expectedReviews?: number;
  deliveredS?: number | null;
  perRequest?: string;
  /** where the API's time went per request, and what Postgres's backends were doing */
  where?: string;
}

function summarise(target: 'app' | 'bare', r: LoadResult): StageRow {
  const ok = r.outcomes.filter((o) => o.status >= 200 && o.status < 300);
  const lat = r.outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const kinds = new Map<number, number>();
  for (const o of r.outcomes)
    if (!(o.status >= 200 && o.status < 300)) kinds.set(o.status, (kinds.get(o.status) ?? 0) + 1);
  // from the first request due to the last answer
  const lastDone = r.outcomes.reduce((m, o) => Math.max(m, o.i / r.offered + o.ms / 1000), r.seconds);
  return {
    target,
    offered: r.offered,
    requests: r.outcomes.length,
    ok: ok.length,
    acceptedPerS: Math.round(ok.length / Math.max(lastDone, 0.001)),
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    errors: r.outcomes.length - ok.length,
    errorKinds: [...kinds].map(([s, n]) => `${n}×${s === 0 ? 'timeout/reset' : s}`).join(', '),
    load: load1(),
  };
}

async function resetToday(db: DB, workDate: string) {
  await sql`delete from signal_outbox`.execute(db);
  await sql`delete from reviews where work_date = ${workDate}`.execute(db);
  await sql`delete from health_records where work_date = ${workDate}`.execute(db);
  await sql`update checkin_days set outcome = 'pending' where work_date = ${workDate}`.execute(db);
  await sql`vacuum analyze health_records, checkin_days, signal_outbox, reviews`.execute(db);
}

function makeItems(
  employees: { id: number }[],
  secret: string,
  formVersion: number,
  stage: string,
  count: number,
): Item[] {
  return employees.slice(0, count).map((e, n) => {
    // ~90 % normal, ~6 % warning (fever or yellow code), ~4 % red; 1 in 50 is a double tap
    const r = (n * 7919) % 100;
    const answers =
      r < 90
        ? { temperature: 36.5, healthCode: 'green', hasSymptoms: false }
        : r < 93
          ? { temperature: 37.6, healthCode: 'green', hasSymptoms: false }
          : r < 96
            ? { temperature: 36.6, healthCode: 'yellow', hasSymptoms: false }
            : { temperature: 38.4, healthCode: 'green', hasSymptoms: true, symptoms: ['cough'] };
    return {
      employeeId: e.id,
      token: signEmployeeToken(secret, e.id, 4 * 3600),
      body: JSON.stringify({ idempotencyKey: `rush-${stage}-${e.id}`, answers, formVersion }),
      abnormal: r >= 90,
      twice: n % 50 === 7,
    };
  });
}

async function main() {
  const n = Number(args.employees);
  const rates = args.rates.split(',').map(Number);
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);
  let commit = process.env.RUSH_COMMIT ?? '';
  try {
    commit ||= execSync('git rev-parse --short HEAD', { cwd: import.meta.dirname })
      .toString()
      .trim();
  } catch {
    commit ||= 'unknown';
  }
  const tmp = mkdtempSync(join(tmpdir(), 'hc-rush-'));
  const started = new Date();
  const server = await startTemporalDevServer({
    cli: ensureTemporalCli(),
    port: await freePort(),
    dbFile: join(tmp, 'temporal.db'),
  });
  const fake = await startFakeDingTalk();
  // the server of DATABASE_URL (e.g. `?host=/var/run/postgresql` for its Unix socket), a database of its own
  const dbUrl = (() => {
    const u = new URL(loadConfig().databaseUrl);
    u.pathname = `/hc_rush_${Date.now().toString(36)}`;
    return u.toString();
  })();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: server.address,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    DINGTALK_OAPI_URL: fake.url,
    DINGTALK_API_URL: fake.url,
    NODE_ENV: 'development',
  };
  const config = loadConfig(env);
  const keyring = new FieldKeyring(config.fieldEncryption);
  const logger = createLogger('error', 'bench');
  await ensureDatabase(dbUrl);
  const db = withFieldKeys(createDb(dbUrl), keyring);
  const apis: ChildProcess[] = [];
  const apiProcesses = Math.max(1, Number(args['api-processes']));
  const dayWorkflows = args['day-workflows'] !== 'no';
  let worker: Awaited<ReturnType<typeof runWorker>> | undefined;
  const rows: StageRow[] = [];
  try {
    await migrateToLatest(db);
    await savePolicy(db, benchPolicy, null, '2000-01-01');
    log(`seeding ${n} employees`);
    await seedGeneratedEmployees(db, n);
    const workDate = workDateAt(new Date(), benchPolicy.timeZone);
    const schedule = computeDaySchedule(workDate, benchPolicy);
    const employees = await db
      .selectFrom('employees')
      .select(['id', 'department_id'])
      .orderBy('id')
      .execute();
    for (let i = 0; i < employees.length; i += 1000) {
      await insertDaysIfAbsent(
        db,
        employees
          .slice(i, i + 1000)
          .map((e) => ({ employeeId: e.id, departmentId: e.department_id, schedule })),
      );
    }
    await sql`analyze`.execute(db);
    const form = await getPublishedForm(db);
    const { client, connection } = await connectTemporal(server.address, config.temporal.namespace, keyring);
    await ensureSearchAttributes(connection, config.temporal.namespace);
    // The worker with the outbox drainer: starts the review workflows, drops signals to days
    // without a workflow (this bench writes day rows only; see RESULTS.md).
    worker = await runWorker({
      config,
      logger,
      db,
      dingtalk: createDingTalk(config, logger),
      temporal: client,
      address: server.address,
    });

    for (let i = 0; i < apiProcesses; i++) apis.push(child('api', env));
    const allPorts = await Promise.all(
      apis.map(async (a) => JSON.parse(await firstLine(a)) as { port: number; barePort: number }),
    );
    const ports = allPorts[0] as { port: number; barePort: number };
    const appUrls = (path: string) => allPorts.map((p) => `http://127.0.0.1:${p.port}${path}`);
    // the API processes' figures added up (the event loop's delay: the worst process's)
    const statsOf = async (): Promise<ApiStats> => {
      const all = await Promise.all(
        allPorts.map(
          async (p) => (await (await fetch(`http://127.0.0.1:${p.barePort}/stats`)).json()) as ApiStats,
        ),
      );
      const sum = { ...(all[0] as ApiStats) };
      const acc = sum as unknown as Record<string, unknown>;
      for (const st of all.slice(1))
        for (const [k, v] of Object.entries(st)) if (typeof v === 'number') acc[k] = (acc[k] as number) + v;
      sum.loopDelay = {
        mean: Math.max(...all.map((a) => a.loopDelay.mean)),
        p99: Math.max(...all.map((a) => a.loopDelay.p99)),
        max: Math.max(...all.map((a) => a.loopDelay.max)),
      };
      return sum;
    };
    // A request the load generator gave up on (15 s) may still commit: resetting the day before the
    // API has finished with it would leave a record under a stale key and a 409 in the next stage.
    const drainThenReset = async () => {
      const t = performance.now();
      while ((await statsOf()).inFlight > 0 && performance.now() - t < 120_000)
        await new Promise((r) => setTimeout(r, 200));
      await resetToday(db, workDate);
    };
    // Each stage's employees get today's day workflow first (disjoint slices: a day workflow ends on
    // its submit signal and its id cannot be started again that day).
    let nextEmployee = 0;
    const startDays = async (count: number) => {
      if (!dayWorkflows) return { slice: employees.slice(0, count), note: '' };
      if (nextEmployee + count > employees.length) nextEmployee = 0;
      const slice = employees.slice(nextEmployee, nextEmployee + count);
      nextEmployee += count;
      const t = performance.now();
      const started = await startEmployeeDays(
        client,
        config.temporal.taskQueue,
        slice.map((e) => ({ ...e, schedule })),
        { ladders: false },
      );
      const fresh = started.filter(Boolean).length;
      // the worker has run their first tasks once the last one answers a query
      const last = slice[slice.length - 1];
      for (let tries = 0; last && tries < 12; tries++) {
        const answered = await client.workflow
          .getHandle(checkinWorkflowId(workDate, last.id))
          .query(statusQuery)
          .then(
            () => true,
            () => false, // "query timed out before a worker could process it": still catching up
          );
        if (answered) break;
      }
      const note = `${fresh} day workflows started in ${((performance.now() - t) / 1000).toFixed(1)} s${fresh < slice.length ? ` (${slice.length - fresh} already ran today: their signals find no workflow)` : ''}`;
      log(note);
      return { slice, note };
    };
    // CPU time of this database's Postgres backends (the API's pool, the worker, the bench), from
    // /proc; a backend that has exited keeps the last figure read for it, so the sum never falls
    const backendTicks = new Map<number, number>();
    const pgCpuMs = async () => {
      const pids = await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
      for (const { pid } of pids.rows) {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          backendTicks.set(pid, Number(f[11]) + Number(f[12]));
        } catch {
          // gone meanwhile
        }
      }
      return [...backendTicks.values()].reduce((a, b) => a + b, 0) * 10;
    };

    // warm-up: JIT, pools, caches (not measured)
    await drainThenReset();
    await loadFromChild(
      {
        urls: appUrls('/api/me/checkins'),
        rate: 50,
        connections,
        items: makeItems(employees, config.api.sessionSecret, form.version, 'warm', 200),
      },
      tmp,
    );

    if (args.mode === 'day') {
      await drainThenReset();
      const { slice, note } = await startDays(employees.length);
      await sustainedDay({
        db,
        url: `http://127.0.0.1:${ports.port}`,
        urls: appUrls(''),
        statsOf,
        items: makeItems(slice, config.api.sessionSecret, form.version, 'day', slice.length),
        note,
        operatorKey: config.api.adminToken ?? '',
        workDate,
        seconds,
        connections,
        tmp,
        commit,
        started,
      });
      return;
    }

    // the app, rate by rate
    let saturated = 0;
    for (const rate of rates) {
      await drainThenReset();
      const count = Math.min(employees.length, Math.round(rate * seconds));
      const { slice, note } = await startDays(count);
      const items = makeItems(slice, config.api.sessionSecret, form.version, `r${rate}`, count);
      const before = await statsOf();
      const pgBefore = await pgCpuMs();
      log(`app at ${rate}/s: ${count} employees (load ${load1()})`);
      const backends = sampleBackends(db);
      const res = await loadFromChild({ urls: appUrls('/api/me/checkins'), rate, connections, items }, tmp);
      const loadEnd = performance.now();
      const backendsDuring = await backends();
      const row = summarise('app', res);
      // every outbox row delivered: each day's signal sent, each review workflow started
      let deliveredS: number | null = null;
      for (;;) {
        const left = await sql<{
          n: number;
        }>`select count(*)::int as n from signal_outbox where delivered_at is null`.execute(db);
        if ((left.rows[0]?.n ?? 1) === 0) {
          deliveredS = (performance.now() - loadEnd) / 1000;
          break;
        }
        if (performance.now() - loadEnd > 300_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await statsOf();
      const pgAfter = await pgCpuMs();
      const okEmployees = new Set(
        res.outcomes.filter((o) => o.status >= 200 && o.status < 300).map((o) => items[o.i]?.employeeId),
      );
      const reviewIds = new Set(res.outcomes.map((o) => o.reviewId).filter((x) => x !== null));
      const counts = await sql<{ records: number; reviews: number; per_day: number }>`
        select (select count(*) from health_records where work_date = ${workDate})::int as records,
               (select count(*) from reviews where work_date = ${workDate})::int as reviews,
               (select coalesce(max(c), 0) from (select count(*) c from health_records
                  where work_date = ${workDate} group by employee_id) x)::int as per_day`.execute(db);
      const c = counts.rows[0] ?? { records: -1, reviews: -1, per_day: -1 };
      row.records = c.records;
      row.expectedRecords = okEmployees.size;
      row.reviews = c.reviews;
      row.expectedReviews = reviewIds.size;
      row.deliveredS = deliveredS;
      const fresh = res.outcomes.length || 1;
      row.perRequest =
        `${((after.queries - before.queries) / fresh).toFixed(1)} queries, ` +
        `${((after.queryMs - before.queryMs) / fresh).toFixed(1)} ms in queries, ` +
        `${((after.temporalMs - before.temporalMs) / fresh).toFixed(1)} ms waiting for Temporal; CPU ` +
        `${((after.cpuMs - before.cpuMs) / fresh).toFixed(2)} ms API + ${((pgAfter - pgBefore) / fresh).toFixed(2)} ms Postgres`;
      const d = (k: keyof ApiStats) => ((after[k] as number) - (before[k] as number)) / fresh;
      const per = (ms: keyof ApiStats, n: keyof ApiStats) =>
        ((after[ms] as number) - (before[ms] as number)) /
        Math.max((after[n] as number) - (before[n] as number), 1);
      row.where =
        `${note ? `${note}; ` : ''}served ${per('servedMs', 'served').toFixed(1)} ms; pool wait ${d('acquireMs').toFixed(1)} ms ` +
        `(${d('acquires').toFixed(1)} checkouts); group commit ${per('groupWaitMs', 'groupWrites').toFixed(1)} ms per write, ` +
        `${((after.groupWrites - before.groupWrites) / Math.max(after.groupBatches - before.groupBatches, 1)).toFixed(1)} per batch, ` +
        `${per('groupBatchMs', 'groupBatches').toFixed(1)} ms per batch; event loop delay mean ${after.loopDelay.mean.toFixed(1)} / ` +
        `p99 ${after.loopDelay.p99.toFixed(1)} / max ${after.loopDelay.max.toFixed(0)} ms; Postgres backends (mean per sample): ${backendsDuring}`;
      log(`  where: ${row.where}`);
      if (c.per_day > 1) row.errorKinds += ` ${c.per_day} records for one employee-day!`;
      rows.push(row);
      log(
        `app ${rate}/s → ${row.acceptedPerS}/s accepted, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, ` +
          `${row.errors} errors (${row.errorKinds}); records ${c.records}/${okEmployees.size}, reviews ${c.reviews}/${reviewIds.size}; ` +
          `outbox delivered ${deliveredS === null ? 'NOT within 300 s' : `${deliveredS.toFixed(1)} s`} after; ${row.perRequest}`,
      );
      if (row.p99 > 2000 || row.errors > row.requests * 0.05) saturated++;
      if (saturated >= 2 && !args['keep-going']) break;
    }

    // the bare Express baseline, same rates
    let bareSaturated = 0;
    for (const rate of args.bare === 'no' ? [] : rates) {
      const count = Math.min(employees.length, Math.round(rate * seconds));
      const items = makeItems(employees, config.api.sessionSecret, form.version, `b${rate}`, count);
      const res = await loadFromChild(
        {
          urls: allPorts.map((p) => `http://127.0.0.1:${p.barePort}/api/me/checkins`),
          rate,
          connections,
          items,
        },
        tmp,
      );
      const row = summarise('bare', res);
      rows.push(row);
      log(
        `bare ${rate}/s → ${row.acceptedPerS}/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.errors} errors`,
      );
      if (row.p99 > 1000 || row.errors > 0) bareSaturated++;
      if (bareSaturated >= 2) break;
    }
  } finally {
    await Promise.all(
      apis.map((a) => {
        const exited = new Promise((r) => a.once('exit', r));
        a.kill('SIGTERM');
        return exited;
      }),
    );
    await worker?.stop().catch(() => undefined);
    await db.destroy();
    await dropDatabase(dbUrl).catch(() => undefined);
    await fake.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }

  const knee = (t: 'app' | 'bare') =>
    rows
      .filter(
        (r) =>
          r.target === t &&
          r.p99 < 100 &&
          r.errors === 0 &&
          (t === 'bare' || r.records === r.expectedRecords),
      )
      .reduce<StageRow | undefined>(
        (best, r) => (!best || r.acceptedPerS > best.acceptedPerS ? r : best),
        undefined,
      );
  const appKnee = knee('app');
  const bareKnee = knee('bare');
  const fmt = (r: StageRow) =>
    `| ${r.target} | ${r.offered} | ${r.requests} | ${r.acceptedPerS} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ` +
    `${r.errors}${r.errorKinds ? ` (${r.errorKinds.trim()})` : ''} | ${r.records === undefined ? '–' : `${r.records} / ${r.expectedRecords}`} | ` +
    `${r.reviews === undefined ? '–' : `${r.reviews} / ${r.expectedReviews}`} | ${r.deliveredS === undefined ? '–' : r.deliveredS === null ? '> 300 s' : `${r.deliveredS.toFixed(1)} s`} | ` +
    `${r.perRequest ?? '–'} | ${r.load} |`;
  const best = (t: 'app' | 'bare') =>
    rows
      .filter((r) => r.target === t && r.errors === 0)
      .reduce<StageRow | undefined>((b, r) => (!b || r.acceptedPerS > b.acceptedPerS ? r : b), undefined);
  const appBest = best('app');
  const summary =
    `rush: knee ${appKnee ? `${appKnee.acceptedPerS}/s (offered ${appKnee.offered}/s, p99 ${appKnee.p99.toFixed(0)} ms)` : 'none (no rate had p99 < 100 ms and 0 errors)'}; ` +
    `bare Express ${bareKnee ? `${bareKnee.acceptedPerS}/s (p99 ${bareKnee.p99.toFixed(1)} ms)` : 'none'}` +
    (appKnee && bareKnee
      ? `; ${Math.round((100 * appKnee.acceptedPerS) / bareKnee.acceptedPerS)} % of bare`
      : '') +
    `; app's best rate without errors ${appBest ? `${appBest.acceptedPerS}/s (p50 ${appBest.p50.toFixed(0)} ms, p99 ${appBest.p99.toFixed(0)} ms, load ${appBest.load})` : 'none'}`;
  const section =
    `\n## Morning rush: ${n} employees${args.label ? `, ${args.label}` : ''} (${started.toISOString()}, commit ${commit})\n\n` +
    `Machine: ${machine()}; Temporal dev server, Postgres, ${apiProcesses === 1 ? 'the API (own process)' : `${apiProcesses} API processes (each its own pool, signal pump and group commit; the load generator sends request k to process k mod ${apiProcesses})`}, the worker + outbox drainer (bench process) and the ` +
    `load generator (own process, Node http keep-alive, ${connections} sockets, open loop: latency counted from when each request was due) ` +
    `on the same host, shared with other work: load average (1 min) beside each row. ` +
    (dayWorkflows
      ? `Each stage's employees have today's day workflow running (started before the stage, not timed), so every submit signal is delivered to a live workflow, which then settles its day; `
      : `Today's day rows only (no day workflows: a day's submit signal is dropped as "workflow not found", which costs the same call); `) +
    `review workflows are started for real. ` +
    `Each stage sends min(rate × ${seconds} s, ${n}) distinct employees, ~10 % abnormal (fever, yellow code, red), 1 in 50 sent twice at once ` +
    `(a double tap: same key, same body); the day is reset between stages.\n\n` +
    `| target | offered/s | requests | accepted/s | p50 ms | p99 ms | errors | records / employees answered 2xx | reviews / review ids answered | outbox delivered after load | per request (API process) | load avg |\n` +
    `|---|---|---|---|---|---|---|---|---|---|---|---|\n` +
    `${rows.map(fmt).join('\n')}\n\n${summary}\n` +
    `\nWhere the time goes (API process, per request of the stage; Postgres backends of this database sampled every 20 ms during the load):\n\n` +
    rows
      .filter((r) => r.where)
      .map((r) => `- ${r.offered}/s: ${r.where}`)
      .join('\n') +
    '\n' +
    profiles(rows.filter((r) => r.target === 'app').reduce((a, r) => a + r.requests, 0));
  if (!args['dry-run']) appendFileSync(join(import.meta.dirname, 'RESULTS.md'), section);
  console.log(section);
  console.log(summary);
}

const exportDescription: Record<string, string> = {
  auto: "an Excel export of the day every 30 s as HR's button asks for it (`mode: auto`: streamed back up to EXPORT_SYNC_MAX_RECORDS records, a workflow in the worker above; timed until the file is done)",
  sync: 'a synchronous Excel export of the day every 30 s (streamed back by the API)',
  async: 'an Excel export of the day every 30 s as a workflow in the worker (timed until the file is done)',
  none: 'no exports',
};

/**
 * Sustained day (`npm run bench:day`): every employee submits once, spread evenly over `seconds`
 * (a compressed morning), while the dashboard's totals are read every second and an Excel export
 * of the day runs every 30 s. Reported per tenth of the run: accepted/s, p50/p99 of submissions,
 * dashboard p50, API RSS. Flat rows mean no drift (no leak, no table or cache growing per request).
 */
async function sustainedDay(o: {
  db: DB;
  /** the first API process (dashboard reads and exports) */
  url: string;
  /** every API process (submissions, round-robin) */
  urls: string[];
  statsOf: () => Promise<ApiStats>;
  items: Item[];
  /** how the day workflows were started */
  note: string;
  operatorKey: string;
  workDate: string;
  seconds: number;
  connections: number;
  tmp: string;
  commit: string;
  started: Date;
}) {
  const rate = o.items.length / o.seconds;
  const reads: { at: number; ms: number; ok: boolean }[] = [];
  const exportsMs: { at: number; ms: number; ok: boolean }[] = [];
  const rss: { at: number; mb: number; load: number }[] = [];
  let stop = false;
  const t0 = performance.now();
  const headers = { 'x-admin-token': o.operatorKey, 'content-type': 'application/json' };
  const reader = (async () => {
    while (!stop) {
      const t = performance.now();
      const r = await fetch(`${o.url}/api/dashboard/today`, { headers }).catch(() => undefined);
      await r?.arrayBuffer();
      reads.push({ at: (t - t0) / 1000, ms: performance.now() - t, ok: r?.ok === true });
      const st = await o.statsOf();
      rss.push({ at: (t - t0) / 1000, mb: st.rssMb, load: loadavg()[0] ?? 0 });
      await new Promise((res) => setTimeout(res, 1000));
    }
  })();
  const exportMode = args['export-mode'];
  const exportText = exportDescription[exportMode];
  if (exportText === undefined)
    throw new Error(`--export-mode ${exportMode}? (${Object.keys(exportDescription).join(', ')})`);
  // an export's time: until the file has streamed back (sync), or until its workflow marked it done
  const exporter = (async () => {
    while (!stop && exportMode !== 'none') {
      await new Promise((res) => setTimeout(res, 30_000));
      if (stop) break;
      const t = performance.now();
      const r = await fetch(`${o.url}/api/exports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          from: o.workDate,
          to: o.workDate,
          format: 'xlsx',
          mode: exportMode,
          purpose: 'bench',
        }),
      }).catch(() => undefined);
      let ok = r?.ok === true;
      if (r?.status === 202) {
        const { id } = (await r.json()) as { id: number };
        let status = 'queued';
        while (status === 'queued' || status === 'running') {
          await new Promise((res) => setTimeout(res, 500));
          const st = await fetch(`${o.url}/api/exports/${id}`, { headers }).catch(() => undefined);
          status = st?.ok ? ((await st.json()) as { status: string }).status : 'failed';
        }
        ok = status === 'done';
      } else await r?.arrayBuffer();
      exportsMs.push({ at: (t - t0) / 1000, ms: performance.now() - t, ok });
    }
  })();
  log(
    `day: ${o.items.length} submissions over ${o.seconds} s (${rate.toFixed(0)}/s offered; load ${load1()})`,
  );
  const res = await loadFromChild(
    { urls: o.urls.map((u) => `${u}/api/me/checkins`), rate, connections: o.connections, items: o.items },
    o.tmp,
  );
  stop = true;
  await Promise.all([reader, exporter]);
  const counts = await sql<{ records: number }>`
    select count(*)::int as records from health_records where work_date = ${o.workDate}`.execute(o.db);
  const okEmployees = new Set(
    res.outcomes.filter((x) => x.status >= 200 && x.status < 300).map((x) => o.items[x.i]?.employeeId),
  );
  const tenth = o.seconds / 10;
  const lines: string[] = [];
  for (let w = 0; w < 10; w++) {
    const inW = (at: number) => at >= w * tenth && at < (w + 1) * tenth;
    const subs = res.outcomes.filter((x) => inW(x.i / rate));
    const lat = subs.map((x) => x.ms).sort((a, b) => a - b);
    const rd = reads
      .filter((r) => inW(r.at))
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    const ex = exportsMs.filter((r) => inW(r.at));
    const mem = rss.filter((r) => inW(r.at)).map((r) => r.mb);
    const loads = rss.filter((r) => inW(r.at)).map((r) => r.load);
    const okW = subs.filter((x) => x.status >= 200 && x.status < 300).length;
    lines.push(
      `| ${(w * tenth).toFixed(0)}–${((w + 1) * tenth).toFixed(0)} s | ${subs.length} | ` +
        `${subs.filter((x) => x.status < 200 || x.status >= 300).length} | ${pct(lat, 0.5).toFixed(0)} | ${pct(lat, 0.99).toFixed(0)} | ` +
        `${rd.length ? pct(rd, 0.5).toFixed(0) : '–'} | ${ex.length ? ex.map((e) => `${(e.ms / 1000).toFixed(1)} s${e.ok ? '' : ' (failed)'}`).join(', ') : '–'} | ` +
        `${mem.length ? Math.max(...mem).toFixed(0) : '–'} MB | ${okW} | ${loads.length ? (loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1) : '–'} |`,
    );
  }
  const section =
    `\n## Sustained day: ${o.items.length} submissions over ${o.seconds} s (${o.started.toISOString()}, commit ${o.commit})\n\n` +
    `Machine: ${machine()}; load average (1 min) at the end ${load1()}; same set-up as the morning rush (API and load generator in their own ` +
    `processes, open loop at ${rate.toFixed(0)}/s), plus \`GET /api/dashboard/today\` every second and ${exportText}.\n\n` +
    `${o.note ? `${o.note}. ` : ''}${o.urls.length > 1 ? `${o.urls.length} API processes (submissions round-robin; RSS is their sum). ` : ''}Windows by when each submission was due; latency counted from then.\n\n` +
    `| window | submissions | errors | p50 ms | p99 ms | dashboard p50 ms | exports | API RSS (max) | answered 2xx | load avg |\n|---|---|---|---|---|---|---|---|---|---|\n` +
    `${lines.join('\n')}\n\nRecords stored ${counts.rows[0]?.records ?? -1}, employees answered 2xx ${okEmployees.size}; ` +
    `errors: ${summarise('app', res).errorKinds || 'none'}.\n`;
  if (!args['dry-run']) appendFileSync(join(import.meta.dirname, 'RESULTS.md'), section);
  console.log(section);
}

if (args.role === 'load') {
  const spec = JSON.parse(readFileSync(args.spec ?? '', 'utf8')) as LoadSpec;
  runLoad(spec).then(
    (r) => {
      // exit only once the pipe took the whole answer
      process.stdout.write(`${JSON.stringify(r)}\n`, () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (args.role === 'api') {
  runApi().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
