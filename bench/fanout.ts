// Benchmark: how fast the daily fan-out starts N employee workflows (the 100k-employee morning),
// against the baseline of starting them one by one from a single client, in the same run, and the
// worker's RSS once the N days are open.
// `npm run bench -- [N] [--server dev|production] [--no-baseline]` (default 10000, dev server);
// figures are appended to bench/RESULTS.md.
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
import { startServer } from './servers.ts';
import { runWorker } from '../worker/run-worker.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { dailyCheckin } from '../workflows/daily-checkin.ts';
import { dailyFanout } from '../workflows/daily-fanout.ts';
import { machine } from './machine.ts';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';

async function main() {
  const args = process.argv.slice(2);
  const n = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--server')) ?? 10_000);
  const serverKind = args.includes('--server') ? (args[args.indexOf('--server') + 1] ?? 'dev') : 'dev';
  const withBaseline = !args.includes('--no-baseline');
  const tmp = mkdtempSync(join(tmpdir(), 'hc-bench-'));
  const server = await startServer(serverKind, tmp);
  const dbUrl = `postgres://postgres@127.0.0.1:5432/hc_bench_${Date.now().toString(36)}`;
  const config = loadConfig({
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: server.address,
    LOG_LEVEL: 'warn',
    DINGTALK_OAPI_URL: 'http://127.0.0.1:1',
    DINGTALK_API_URL: 'http://127.0.0.1:1',
  });
  // Every payload the fan-out starts is sealed by the codec, as in production.
  const keyring = new FieldKeyring(config.fieldEncryption);
  const logger = createLogger('warn', 'bench');
  await ensureDatabase(dbUrl);
  const db = withFieldKeys(createDb(dbUrl), keyring);
  await migrateToLatest(db);
  await seedGeneratedEmployees(db, n);
  const { client, connection } = await connectTemporal(server.address, config.temporal.namespace, keyring);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const worker = await runWorker({
    config,
    logger,
    db,
    dingtalk: createDingTalk(config),
    temporal: client,
    address: server.address,
  });
  const employees = await db.selectFrom('employees').select(['id', 'department_id']).orderBy('id').execute();

  // Baseline: the naive loop, one start at a time (a far-future date so nothing fires).
  const baseDay = computeDaySchedule('2040-01-02', defaultPolicy);
  let t = performance.now();
  for (const e of withBaseline ? employees : []) {
    await client.workflow.start(dailyCheckin, {
      taskQueue: config.temporal.taskQueue,
      workflowId: checkinWorkflowId(baseDay.workDate, e.id),
      args: [{ employeeId: e.id, departmentId: e.department_id, schedule: baseDay }],
    });
  }
  const baselineMs = performance.now() - t;

  // Candidate: the real fan-out workflow (paged, 32 concurrent starts, day rows in Postgres).
  t = performance.now();
  const result = await client.workflow.execute(dailyFanout, {
    taskQueue: config.temporal.taskQueue,
    workflowId: 'bench-fanout',
    args: [{ workDate: '2040-01-03', batchSize: 500 }],
  });
  const fanoutMs = performance.now() - t;
  if (result.started !== n) throw new Error(`fan-out started ${result.started} of ${n}`);
  // Every day has run its first task (its timer is set): the worker holds n open days.
  await new Promise((r) => setTimeout(r, 30_000));
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  await worker.stop();
  await connection.close();
  await db.destroy();
  await dropDatabase(dbUrl);
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });

  const rate = (ms: number) => Math.round((n / ms) * 1000);
  const file = join(import.meta.dirname, 'RESULTS.md');
  if (!existsSync(file))
    writeFileSync(
      file,
      '# Benchmark results\n\nAppended by `npm run bench`; each row compares against its baseline measured in the same run.\n',
    );
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const row =
    `\n## Fan-out: starting ${n} employee workflows, ${server.kind} (${new Date().toISOString()}, commit ${commit})\n\n` +
    `Machine: ${machine()}; Temporal and Postgres on the same host; load average ${load}.\n\n` +
    `| variant | time | workflows/s |\n|---|---|---|\n` +
    (withBaseline
      ? `| baseline: one \`workflow.start\` at a time from a client | ${(baselineMs / 1000).toFixed(1)} s | ${rate(baselineMs)} |\n`
      : '') +
    `| \`dailyFanout\` (pages of 500, 32 concurrent starts, day rows written) | ${(fanoutMs / 1000).toFixed(1)} s | ${rate(fanoutMs)} |\n` +
    `\n${withBaseline ? `Speed-up ×${(baselineMs / fanoutMs).toFixed(2)}; ` : ''}100k employees at this rate: ~${Math.round(100_000 / rate(fanoutMs))} s. ` +
    `Worker (in the bench process, with the client) RSS with ${n} open days: ${rssMb} MB.\n`;
  appendFileSync(file, row);
  console.log(row);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
