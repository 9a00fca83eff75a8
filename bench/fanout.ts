// Benchmark: how fast the daily fan-out starts N employee workflows (the 100k-employee morning),
// against the baseline of starting them one by one from a single client, in the same run, and the
// worker's RSS once the N days are open.
// `npm run bench -- [N] [--server dev|production] [--no-baseline | --baseline-n N]
//  [--variants task:32,delay:32] [--shards H] [--shard-io K] [--idle-share F]` (default 10000, dev server). A variant is how each day starts
// (`task`: its first workflow task runs at once; `delay`: a start delay until its window opens) and
// the fan-out's concurrent starts. Figures are appended to bench/RESULTS.md.
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { seedGeneratedEmployees } from '../db/seed.ts';
import { computeDaySchedule } from '../domain/day-schedule.ts';
import { defaultPolicy } from '../domain/policy.ts';
import { checkinWorkflowId } from '../domain/workflow-ids.ts';
import { createDingTalk } from '../platform/dingtalk.ts';
import { connectTemporal, ensureSearchAttributes } from '../platform/temporal.ts';
import { serverOptions, startServer } from './servers.ts';
import { runWorker } from '../worker/run-worker.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { dailyCheckin } from '../workflows/daily-checkin.ts';
import { dailyFanout } from '../workflows/daily-fanout.ts';
import { machine } from './machine.ts';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** One fan-out variant: how each day starts and how many starts are in flight. */
interface Variant {
  /** task: the day runs its first workflow task at once; delay: a start delay until its window opens */
  mode: 'task' | 'delay';
  concurrency: number;
}
const parseVariants = (spec: string): Variant[] =>
  spec.split(',').map((v) => {
    const [mode, c] = v.split(':');
    if (mode !== 'task' && mode !== 'delay') throw new Error(`--variants: ${v}: mode is task or delay`);
    return { mode, concurrency: Number(c ?? 32) };
  });
const describe = (v: Variant) =>
  v.mode === 'task'
    ? `\`dailyFanout\`, first workflow task at start (pages of 500, ${v.concurrency} concurrent starts, day rows written)`
    : `\`dailyFanout\`, start delay until the window opens (pages of 500, ${v.concurrency} concurrent starts, day rows written)`;
/** work days in a far year (no calendar: weekends only), one per variant */
const WORK_DATES = ['2040-01-03', '2040-01-04', '2040-01-05', '2040-01-06', '2040-01-09', '2040-01-10'];

async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const n = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 10_000);
  const serverKind = opt('server') ?? 'dev';
  const baselineN = args.includes('--no-baseline') ? 0 : Number(opt('baseline-n') ?? n);
  const variants = parseVariants(opt('variants') ?? 'task:32,delay:32');
  if (variants.length > WORK_DATES.length) throw new Error(`at most ${WORK_DATES.length} variants`);
  const tmp = mkdtempSync(join(tmpdir(), 'hc-bench-'));
  const server = await startServer(serverKind, tmp, serverOptions(opt));
  const dbUrl = `postgres://postgres@127.0.0.1:5432/hc_bench_${Date.now().toString(36)}`;
  const env = {
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: server.address,
    LOG_LEVEL: 'warn',
    DINGTALK_OAPI_URL: 'http://127.0.0.1:1',
    DINGTALK_API_URL: 'http://127.0.0.1:1',
    // no DingTalk here: asking it for each page's leave would only time out
    DINGTALK_LEAVE_SYNC: 'false',
  };
  const config = loadConfig(env);
  // Every payload the fan-out starts is sealed by the codec, as in production.
  const keyring = new FieldKeyring(config.fieldEncryption);
  const logger = createLogger('warn', 'bench');
  await ensureDatabase(dbUrl);
  const db = withFieldKeys(createDb(dbUrl), keyring);
  await migrateToLatest(db);
  await seedGeneratedEmployees(db, n);
  const { client, connection } = await connectTemporal(server.address, config.temporal.namespace, keyring);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadAtStart = load();

  // Baseline: the naive loop, one start at a time (a far-future date so nothing fires).
  let baselineMs = 0;
  if (baselineN > 0) {
    const worker = await runWorker({
      config,
      logger,
      db,
      dingtalk: createDingTalk(config),
      temporal: client,
      address: server.address,
    });
    const employees = await db
      .selectFrom('employees')
      .select(['id', 'department_id'])
      .orderBy('id')
      .limit(baselineN)
      .execute();
    const baseDay = computeDaySchedule('2040-01-02', defaultPolicy);
    const t = performance.now();
    for (const e of employees) {
      await client.workflow.start(dailyCheckin, {
        taskQueue: config.temporal.taskQueue,
        workflowId: checkinWorkflowId(baseDay.workDate, e.id),
        args: [{ employeeId: e.id, departmentId: e.department_id, schedule: baseDay }],
      });
    }
    baselineMs = performance.now() - t;
    await worker.stop();
  }

  // Candidates: the real fan-out workflow, one worker (in this process) per variant's settings.
  const rows: { v: Variant; ms: number; rssMb: number; load: string }[] = [];
  for (const [i, v] of variants.entries()) {
    const vConfig = loadConfig({
      ...env,
      DAY_START_AT_WINDOW_OPEN: String(v.mode === 'delay'),
      FANOUT_START_CONCURRENCY: String(v.concurrency),
    });
    const worker = await runWorker({
      config: vConfig,
      logger,
      db,
      dingtalk: createDingTalk(vConfig),
      temporal: client,
      address: server.address,
    });
    const t = performance.now();
    const result = await client.workflow.execute(dailyFanout, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `bench-fanout-${i}`,
      args: [{ workDate: WORK_DATES[i], batchSize: 500 }],
    });
    const ms = performance.now() - t;
    if (result.started !== n) throw new Error(`fan-out started ${result.started} of ${n}`);
    console.log(`${describe(v)}: ${(ms / 1000).toFixed(1)} s (load ${load()})`);
    // Every day has run its first task (its timer is set) or waits in the server: n open days.
    await new Promise((r) => setTimeout(r, 30_000));
    rows.push({ v, ms, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), load: load() });
    await worker.stop();
  }

  await connection.close();
  await db.destroy();
  await dropDatabase(dbUrl);
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });

  const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
  const file = join(import.meta.dirname, 'RESULTS.md');
  if (!existsSync(file))
    writeFileSync(
      file,
      '# Benchmark results\n\nAppended by `npm run bench`; each row compares against its baseline measured in the same run.\n',
    );
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const best = rows.reduce((a, b) => (b.ms < a.ms ? b : a));
  const row =
    `\n## Fan-out: starting ${n} employee workflows, ${server.kind} (${new Date().toISOString()}, commit ${commit})\n\n` +
    `Machine: ${machine()}; Temporal, Postgres and the worker (in the bench process, with the client) on the same host; load average at the start ${loadAtStart}. Variants run one after the other in this order on the same server.\n\n` +
    `| variant | days | time | workflows/s | RSS 30 s after | load avg after |\n|---|---|---|---|---|---|\n` +
    (baselineN > 0
      ? `| baseline: one \`workflow.start\` at a time from a client | ${baselineN} | ${(baselineMs / 1000).toFixed(1)} s | ${rate(baselineN, baselineMs)} | – | – |\n`
      : '') +
    rows
      .map(
        (r) =>
          `| ${describe(r.v)} | ${n} | ${(r.ms / 1000).toFixed(1)} s | ${rate(n, r.ms)} | ${r.rssMb} MB | ${r.load} |`,
      )
      .join('\n') +
    `\n\n${baselineN > 0 ? `Best variant ×${(rate(n, best.ms) / rate(baselineN, baselineMs)).toFixed(2)} the baseline's rate; ` : ''}100k employees at the best rate: ~${Math.round(100_000 / rate(n, best.ms))} s.\n`;
  appendFileSync(file, row);
  console.log(row);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
