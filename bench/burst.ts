// Benchmark: the 09:00 burst. N employees whose level-1 instant is the same moment a few minutes
// ahead (real time, not compressed), then level 2 a few minutes later; measures from each instant
// until the DingTalk fake has recorded the last recipient (level 1: every employee, 100 per work
// notification; level 2: one group post per department), within DingTalk's limits (40 calls/s per
// API). The worker runs as its own process (its RSS is sampled); the baseline is the same run with
// the worker of another source tree (e.g. the commit before the department ladder).
//
//   npm run bench:burst -- [N] [--server dev|production] [--baseline-tree DIR] [--baseline-ladder] [--baseline-n N]
//     [--workers K] [--lead S] [--opens-before S] [--concurrency C] [--shards H] [--shard-io K] [--idle-share F]
//
// --baseline-ladder: the baseline tree also gets the department ladders (a tree from after them);
// --workers: K worker processes on the same task queues (scale-out); --lead: seconds from the first
// start to level 1 (default 120 + N/25); --opens-before: the days' window opens S seconds before
// level 1 (the fan-out starts each day with a start delay into it, spread before level 1, as in
// production: dayStartDelayMs; default: the window is already open, so every day runs its first
// task at once); --concurrency: starts in
// flight (default 32); --shards / --shard-io: history shards (default 16) and
// shard IO concurrency (default 2) of the production server.
//
// Figures are appended to bench/RESULTS.md.
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execSync } from 'node:child_process';
import { loadConfig, type AppConfig } from '../config/config.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, type DB } from '../db/connect.ts';
import { fakeDirectory, seedGeneratedEmployees } from '../db/seed.ts';
import { insertDaysIfAbsent } from '../db/repositories/checkin-days.ts';
import type { DaySchedule } from '../domain/day-schedule.ts';
import { ReminderLevels } from '../domain/reminders/ladder.ts';
import { startEmployeeDays, startDepartmentLadders } from '../activities/checkin-day.ts';
import { startFakeDingTalk, type RunningFake } from '../dingtalk/fake-server.ts';
import { connectTemporal, ensureSearchAttributes } from '../platform/temporal.ts';
import { serverOptions, startServer } from './servers.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { machine } from './machine.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
/** options that take no value */
const switches = new Set(['--baseline-ladder']);
const positional = args.filter(
  (a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && !switches.has(args[i - 1] ?? '')),
);

/** A worker process of `tree` (this checkout, or another one for the baseline); resolves once it polls. */
function spawnWorker(tree: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(tree, 'worker/main.ts')], {
    cwd: tree,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((res, rej) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker running')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        res(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => rej(new Error(`worker exited (${code}):\n${out.slice(-2000)}`)));
  });
}

const rssMb = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
};

interface LevelFigures {
  instant: string;
  recipients: number;
  expected: number;
  calls: number;
  firstS: number | null;
  lastS: number | null;
}

interface RunFigures {
  variant: string;
  n: number;
  departments: number;
  startS: number;
  level1: LevelFigures;
  level2: LevelFigures;
  rssAtInstantMb: number;
  rssPeakMb: number;
  load: string;
}

/** One variant: fresh database, fake and worker; days started; both instants measured. */
async function runVariant(o: {
  variant: string;
  /** 0, 1, … in the order the variants run */
  index: number;
  tree: string;
  ladder: boolean;
  n: number;
  temporalAddress: string;
  timeoutS: number;
  workers: number;
  leadS: number;
  opensBeforeS: number | undefined;
  concurrency: number;
}): Promise<RunFigures> {
  const dbUrl = `postgres://postgres@127.0.0.1:5432/hc_burst_${Date.now().toString(36)}`;
  const fake: RunningFake = await startFakeDingTalk(0);
  const taskQueue = `burst-${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DINGTALK_OAPI_URL: fake.url,
    DINGTALK_API_URL: fake.url,
    DINGTALK_LOGIN_URL: fake.url,
    DINGTALK_MAX_QPS_PER_API: '40',
    DINGTALK_LEAVE_SYNC: 'false',
    PUBLIC_BASE_URL: 'http://127.0.0.1:1',
  };
  const config: AppConfig = loadConfig(env);
  const keyring = new FieldKeyring(config.fieldEncryption);
  await ensureDatabase(dbUrl);
  const db: DB = withFieldKeys(createDb(dbUrl), keyring);
  await migrateToLatest(db);
  const { departmentIds } = await seedGeneratedEmployees(db, o.n);
  for (const id of departmentIds) {
    await db
      .insertInto('department_robots')
      .values({
        department_id: id,
        webhook_token: `burst-robot-${id}`,
        signing_secret: `SECburst${id}${'x'.repeat(20)}`,
      })
      .execute();
  }
  const dir = await fakeDirectory(db);
  for (const u of dir.users) fake.state.directory.set(u.userid, u);
  for (const r of dir.robots) fake.state.robots.set(r.token, { secret: r.secret, sentAt: [] });

  const { client, connection } = await connectTemporal(o.temporalAddress, config.temporal.namespace, keyring);
  const workers = await Promise.all(Array.from({ length: o.workers }, () => spawnWorker(o.tree, env)));
  // a failed run must not leave its workers polling
  const killWorkers = () => workers.forEach((w) => w.kill('SIGKILL'));
  process.once('exit', killWorkers);
  const pids = workers.map((w) => w.pid ?? 0);
  /** the largest worker process (each must stay < 2 GB) */
  const rssNow = () => Math.max(...pids.map(rssMb));
  let rssPeakMb = 0;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssNow())), 1000);

  // Level 1 far enough ahead for every day to be started and to have run its first task (~60/s
  // each on a busy 2-core box): a real fan-out runs at 00:05, hours before the first instant.
  const leadMs = o.leadS * 1000;
  const t1 = new Date(Math.ceil((Date.now() + leadMs) / 60_000) * 60_000);
  const t2 = new Date(t1.getTime() + 4 * 60_000);
  // A date of its own per variant: a ladder's id is (date, department, level), and one left open
  // by the previous variant's killed worker would take this variant's instants.
  const workDate = `2031-03-${String(3 + o.index).padStart(2, '0')}`;
  const schedule: DaySchedule = {
    workDate,
    timeZone: 'Asia/Shanghai',
    opensAt: new Date(
      o.opensBeforeS === undefined ? Date.now() - 60_000 : t1.getTime() - o.opensBeforeS * 1000,
    ).toISOString(),
    closesAt: new Date(t1.getTime() + 6 * 3600_000).toISOString(),
    lateUntil: new Date(t1.getTime() + 7 * 3600_000).toISOString(),
    reminders: [
      { level: ReminderLevels.notifyEmployee, at: t1.toISOString() },
      { level: ReminderLevels.mentionManager, at: t2.toISOString() },
      { level: ReminderLevels.hrCallTask, at: new Date(t1.getTime() + 5 * 3600_000).toISOString() },
    ],
    timeScale: 1,
    dingPhoneCall: false,
    batchWindowMs: config.schedule.batchWindowSeconds * 1000,
  };
  const employees = await db.selectFrom('employees').select(['id', 'department_id']).orderBy('id').execute();
  const started = performance.now();
  for (let i = 0; i < employees.length; i += 500) {
    const page = employees.slice(i, i + 500);
    await insertDaysIfAbsent(
      db,
      page.map((e) => ({ employeeId: e.id, departmentId: e.department_id, schedule })),
    );
    await startEmployeeDays(
      client,
      taskQueue,
      page.map((e) => ({ ...e, schedule })),
      { ladders: false, concurrency: o.concurrency, startAtWindowOpen: o.opensBeforeS !== undefined },
    );
  }
  if (o.ladder) {
    const instants = departmentIds.flatMap((departmentId) =>
      schedule.reminders.map((r) => ({ departmentId, level: r.level, at: r.at, until: schedule.lateUntil })),
    );
    // (the fan-out's activity retries this; here a busy server's DEADLINE_EXCEEDED is retried too)
    for (let attempt = 1; ; attempt++) {
      try {
        await startDepartmentLadders(
          client,
          taskQueue,
          instants,
          workDate,
          schedule.batchWindowMs,
          config.schedule.ladderDeadlineFloorMs,
        );
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        console.warn(`starting the ladders failed (${String(err)}); retrying`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }
  const startS = (performance.now() - started) / 1000;
  console.log(`${o.variant}: ${o.n} days started in ${startS.toFixed(1)} s; level 1 at ${t1.toISOString()}`);
  if (Date.now() > t1.getTime() - 5000) console.warn('WARNING: the days were still starting at the instant');

  const level = (kind: 'work_notification' | 'robot', marker: string, instant: Date, expected: number) => {
    const msgs = fake.state.messages.filter((m) => m.kind === kind && m.text.includes(marker));
    const recipients = kind === 'robot' ? msgs.length : new Set(msgs.flatMap((m) => m.to)).size;
    const at = msgs.map((m) => Date.parse(m.receivedAt));
    const rel = (t: number) => Math.round((t - instant.getTime()) / 100) / 10;
    return {
      instant: instant.toISOString(),
      recipients,
      expected,
      calls: msgs.length,
      firstS: at.length ? rel(Math.min(...at)) : null,
      lastS: at.length ? rel(Math.max(...at)) : null,
    };
  };
  const l1 = () => level('work_notification', `提醒级别：1/3`, t1, o.n);
  const l2 = () => level('robot', `提醒级别 2/3`, t2, departmentIds.length);

  await new Promise((r) => setTimeout(r, Math.max(0, t1.getTime() - Date.now())));
  const rssAtInstantMb = rssNow();
  const deadline1 = t1.getTime() + o.timeoutS * 1000;
  while (l1().recipients < o.n && Date.now() < Math.min(deadline1, t2.getTime() - 1000)) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, t2.getTime() - Date.now())));
  const deadline2 = t2.getTime() + o.timeoutS * 1000;
  while (
    (l1().recipients < o.n || l2().recipients < departmentIds.length) &&
    Date.now() < Math.max(deadline1, deadline2)
  ) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const figures: RunFigures = {
    variant: o.variant,
    n: o.n,
    departments: departmentIds.length,
    startS,
    level1: l1(),
    level2: l2(),
    rssAtInstantMb,
    rssPeakMb,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
  console.log(JSON.stringify(figures));
  clearInterval(sampler);
  for (const w of workers) w.kill('SIGKILL');
  await connection.close();
  await fake.close();
  await db.destroy();
  await dropDatabase(dbUrl).catch(() => undefined);
  return figures;
}

const sec = (s: number | null) => (s === null ? '–' : `${s.toFixed(1)} s`);

async function main() {
  const n = Number(positional[0] ?? 20_000);
  const serverKind = opt('server') ?? 'dev';
  const baselineTree = opt('baseline-tree');
  const baselineN = Number(opt('baseline-n') ?? n);
  const baselineLadder = args.includes('--baseline-ladder');
  const timeoutS = Number(opt('timeout') ?? 900);
  const workers = Number(opt('workers') ?? 1);
  const opensBefore = opt('opens-before');
  const common = {
    timeoutS,
    workers,
    leadS: Number(opt('lead') ?? 120 + n / 25),
    opensBeforeS: opensBefore === undefined ? undefined : Number(opensBefore),
    concurrency: Number(opt('concurrency') ?? 32),
  };
  const tmp = mkdtempSync(join(tmpdir(), 'hc-burst-'));
  const server = await startServer(serverKind, tmp, serverOptions(opt));
  // search attributes only: a bare connection, no data converter needed
  const connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();
  const commit = execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim();
  const runs: RunFigures[] = [];
  try {
    if (baselineTree) {
      const name = baselineTree.split('/').pop();
      runs.push(
        await runVariant({
          variant: baselineLadder
            ? `baseline (${name}: department ladders, each day workflow wakes at each instant)`
            : `baseline (${name}: a day workflow per employee runs its own activities)`,
          index: runs.length,
          tree: resolve(baselineTree),
          ladder: baselineLadder,
          n: baselineN,
          temporalAddress: server.address,
          ...common,
        }),
      );
    }
    runs.push(
      await runVariant({
        variant:
          'department ladder (an activity per department and instant; day workflows sleep through the instants)' +
          (common.opensBeforeS !== undefined
            ? `, days started with a delay into their window (opens ${common.opensBeforeS} s before level 1)`
            : '') +
          `, ${workers} worker process${workers > 1 ? 'es' : ''}`,
        index: runs.length,
        tree: root,
        ladder: true,
        n,
        temporalAddress: server.address,
        ...common,
      }),
    );
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  const row = (r: RunFigures) =>
    `| ${r.variant} | ${r.n} / ${r.departments} | ${r.startS.toFixed(0)} s | ` +
    `${sec(r.level1.firstS)} | **${sec(r.level1.lastS)}** | ${r.level1.recipients}/${r.level1.expected} in ${r.level1.calls} calls | ` +
    `${sec(r.level2.firstS)} | **${sec(r.level2.lastS)}** | ${r.level2.recipients}/${r.level2.expected} | ` +
    `${r.rssAtInstantMb} / ${r.rssPeakMb} MB | ${r.load} |`;
  const text =
    `\n## 09:00 burst: ${n} employees, ${server.kind} (${new Date().toISOString()}, commit ${commit})\n\n` +
    `Machine: ${machine()}; Temporal, Postgres, the DingTalk fake (40 calls/s per API) and the worker process on the same host, shared with other work (load average at the end of each run in the last column).\n` +
    `Real time: every day's level 1 at one instant, level 2 four minutes later; times from the instant to the fake's first and last recorded message.\n\n` +
    `| variant | employees / departments | days started in | L1 first | L1 last | L1 recipients | L2 first | L2 last | L2 posts | worker RSS at instant / peak (largest process) | load avg |\n` +
    `|---|---|---|---|---|---|---|---|---|---|---|\n` +
    runs.map(row).join('\n') +
    `\n\nTarget: 100k people notified within 5 min of the instant, the same for level 2.\n`;
  appendFileSync(join(import.meta.dirname, 'RESULTS.md'), text);
  console.log(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
