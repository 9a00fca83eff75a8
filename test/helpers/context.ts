// A test's world: its own database (from the migrated template), Temporal namespace and task queue,
// a DingTalk fake, the API on an ephemeral port, and a worker in-process or as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type Connection } from '@temporalio/client';
import { createApp } from '../../api/app.ts';
import { checkResponsesAgainstContracts, responseDrift } from '../../api/http/contract.ts';
import { signEmployeeToken } from '../../api/auth/employee-token.ts';
import { loadConfig, type AppConfig } from '../../config/config.ts';
import { createLogger } from '../../config/logger.ts';
import { createDb, dropDatabase, ensureDatabase, type DB } from '../../db/connect.ts';
import { keyringOf, sealMobile, withFieldKeys } from '../../db/sealed-fields.ts';
import { FieldKeyring } from '../../security/field-crypto.ts';
import { insertDaysIfAbsent } from '../../db/repositories/checkin-days.ts';
import { getCurrentPolicy } from '../../db/repositories/policy.ts';
import { startFakeDingTalk, type RunningFake } from '../../dingtalk/fake-server.ts';
import type { FakeMessage, FakeMessageKind } from '../../dingtalk/fake-state.ts';
import { computeDaySchedule, compressSchedule, type DaySchedule } from '../../domain/day-schedule.ts';
import { startEmployeeDays } from '../../activities/checkin-day.ts';
import { freePort } from '../../scripts/temporal-cli.ts';
import { checkinWorkflowId, departmentBatchWorkflowId } from '../../domain/workflow-ids.ts';
import { REMINDER_LEVELS } from '../../domain/reminders/ladder.ts';
import { createDingTalk } from '../../platform/dingtalk.ts';
import { connectTemporal, ensureSearchAttributes } from '../../platform/temporal.ts';
import { runWorker } from '../../worker/run-worker.ts';
import { namespaceFor, testEnv } from './test-env.ts';

export interface TestEmployee {
  id: number;
  name: string;
  userId: string;
  unionId: string;
  departmentId: number;
}

export interface TestDepartment {
  id: number;
  name: string;
  manager: TestEmployee;
  hr: TestEmployee | null;
  robotToken: string | null;
  members: TestEmployee[];
}

export interface ContextOptions {
  worker: 'in-process' | 'none' | 'child';
  /** per-test overrides of the environment the app parses */
  env?: Record<string, string>;
}

// every answer with a documented schema is checked against it while tests run
checkResponsesAgainstContracts(true);

export class TestContext {
  private seq = 0;
  private children = new Set<ChildProcess>();
  /** error log lines the spawned worker and API processes wrote after starting */
  readonly childErrors: string[] = [];
  private constructor(
    readonly name: string,
    readonly config: AppConfig,
    readonly db: DB,
    readonly fake: RunningFake,
    readonly temporal: Client,
    readonly connection: Connection,
    readonly apiUrl: string,
    private readonly server: Server,
    private readonly stopWorker: (() => Promise<void>) | undefined,
    private readonly childEnv: Record<string, string>,
  ) {}

  static async create(testFile: string, opts: ContextOptions): Promise<TestContext> {
    const t = testEnv();
    const name = namespaceFor(testFile);
    const dbUrl = `${t.pgBase}/${t.dbPrefix}_${name.replace(/-/g, '_')}`;
    await ensureDatabase(dbUrl, t.dbTemplate);
    const fake = await startFakeDingTalk(0);
    const apiPort = await freePort();
    const childEnv: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: t.temporalAddress,
      TEMPORAL_NAMESPACE: name,
      TEMPORAL_TASK_QUEUE: `tq-${name}`,
      DINGTALK_OAPI_URL: fake.url,
      DINGTALK_API_URL: fake.url,
      DINGTALK_LOGIN_URL: fake.url,
      BATCH_WINDOW_SECONDS: '20',
      OUTBOX_POLL_MS: '200',
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      ...opts.env,
    };
    const config = loadConfig(childEnv);
    const keyring = new FieldKeyring(config.fieldEncryption);
    const logger = createLogger(config.logLevel, name);
    const db = withFieldKeys(createDb(dbUrl), keyring);
    const dingtalk = createDingTalk(config);
    const { client, connection } = await connectTemporal(t.temporalAddress, name, keyring);
    await ensureSearchAttributes(connection, name);
    let stopWorker: (() => Promise<void>) | undefined;
    if (opts.worker === 'in-process') {
      const w = await runWorker({
        config,
        logger,
        db,
        dingtalk,
        temporal: client,
        address: t.temporalAddress,
        workflowBundle: { codePath: t.workflowBundle },
      });
      stopWorker = () => w.stop();
    }
    const app = createApp({ db, temporal: client, dingtalk, config, logger, signalTimeoutMs: 1500 });
    const server: Server = await new Promise((res) => {
      const s = app.listen(apiPort, '127.0.0.1', () => res(s));
    });
    const apiUrl = config.api.publicBaseUrl;
    const ctx = new TestContext(
      name,
      config,
      db,
      fake,
      client,
      connection,
      apiUrl,
      server,
      stopWorker,
      childEnv,
    );
    if (opts.worker === 'child') await ctx.spawnWorker();
    return ctx;
  }

  /** Starts the worker as its own process (so a test can SIGKILL it). Resolves once it polls. */
  spawnWorker(): Promise<ChildProcess> {
    const t = testEnv();
    return this.spawnChild([join(t.root, 'worker/main.ts'), t.workflowBundle], 'worker running');
  }

  /** Starts the production API entry (api/main.ts) on `port`. Resolves once it listens. */
  spawnApi(port: number): Promise<ChildProcess> {
    return this.spawnChild([join(testEnv().root, 'api/main.ts')], 'api listening', {
      API_PORT: String(port),
    });
  }

  private async spawnChild(args: string[], readyText: string, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      // info level so the child announces it is ready; its output is read, not printed.
      env: { ...process.env, ...this.childEnv, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    let output = '';
    // TEST_CHILD_LOG=<file>: every line the children write, for reading a failed run afterwards
    const log = process.env.TEST_CHILD_LOG;
    if (log) {
      const tag = `[${args[0]?.split('/').slice(-2).join('/')} ${child.pid}] `;
      const write = (d: Buffer) =>
        appendFileSync(
          log,
          d
            .toString()
            .split('\n')
            .filter(Boolean)
            .map((l) => tag + l + '\n')
            .join(''),
        );
      child.stdout?.on('data', write);
      child.stderr?.on('data', write);
    }
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      const onData = (d: Buffer) => {
        if (ready) {
          // error-level log lines (pino level 50+) stay readable for a failing test's message
          for (const line of d.toString().split('\n'))
            if (/"level":(5|6)0/.test(line) && this.childErrors.length < 200) this.childErrors.push(line);
          return;
        }
        output += d.toString();
        if (output.includes(readyText)) {
          ready = true;
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`${args[0]} exited (${code}) before running:\n${output}`)),
      );
      setTimeout(() => reject(new Error(`${args[0]} did not start in 60 s:\n${output}`)), 60_000).unref();
    });
    return child;
  }

  async killWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (child.exitCode !== null) return;
    await new Promise<void>((res) => {
      child.once('exit', () => res());
      child.kill(signal);
    });
  }

  /** A department with a manager, an HR contact (unless hr: false), a group robot (unless robot: false), and `size` members. */
  async department(opts: { size: number; robot?: boolean; hr?: boolean }): Promise<TestDepartment> {
    const n = ++this.seq;
    const tag = `${this.name}-${n}-${randomBytes(2).toString('hex')}`;
    const dept = await this.db
      .insertInto('departments')
      .values({ name: `测试部门${n}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const make = async (label: string, deptId: number): Promise<TestEmployee> => {
      const userId = `u-${tag}-${label}`;
      const unionId = `union-${tag}-${label}`;
      const e = await this.db
        .insertInto('employees')
        .values({
          dingtalk_user_id: userId,
          dingtalk_union_id: unionId,
          name: `员工${label}`,
          department_id: deptId,
          ...sealMobile('13800000000', keyringOf(this.db)),
        })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      this.fake.state.directory.set(userId, { userid: userId, unionid: unionId, name: e.name });
      return { id: e.id, name: e.name, userId, unionId, departmentId: deptId };
    };
    const manager = await make('mgr', dept.id);
    const hr = opts.hr === false ? null : await make('hr', dept.id);
    const members: TestEmployee[] = [];
    for (let i = 0; i < opts.size; i++) members.push(await make(String(i), dept.id));
    await this.db
      .updateTable('departments')
      .set({ manager_id: manager.id, hr_contact_id: hr?.id ?? null })
      .where('id', '=', dept.id)
      .execute();
    let robotToken: string | null = null;
    if (opts.robot !== false) {
      robotToken = `robot-${tag}`;
      const secret = `SEC${randomBytes(16).toString('hex')}`;
      await this.db
        .insertInto('department_robots')
        .values({ department_id: dept.id, webhook_token: robotToken, signing_secret: secret })
        .execute();
      this.fake.state.robots.set(robotToken, { secret, sentAt: [] });
    }
    return { id: dept.id, name: `测试部门${n}`, manager, hr, robotToken, members };
  }

  /**
   * Today's schedule compressed `scale` times, starting now (scale 1800: one hour = 2 s). Scale 1
   * is a real-time day opening now, so no test depends on the hour it runs at (after 16:00 in
   * Shanghai the company's own window has closed and every submission would be late).
   */
  async schedule(scale: number): Promise<DaySchedule> {
    const policy = await getCurrentPolicy(this.db);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: policy.timeZone }).format(new Date());
    return compressSchedule(
      computeDaySchedule(today, policy, this.config.schedule.batchWindowSeconds * 1000),
      new Date(),
      scale,
    );
  }

  /** Marks these employees as expected today (their day rows, without starting workflows). */
  async expectToday(employees: TestEmployee[], extra: { level_reached?: number } = {}): Promise<DaySchedule> {
    const s = await this.schedule(1);
    await this.db
      .insertInto('checkin_days')
      .values(
        employees.map((e) => ({
          employee_id: e.id,
          department_id: e.departmentId,
          work_date: s.workDate,
          opens_at: s.opensAt,
          closes_at: s.closesAt,
          late_until: s.lateUntil,
          schedule: JSON.stringify(s),
          ...extra,
        })),
      )
      .execute();
    return s;
  }

  /** A closed day in `e`'s history (missed or exempt), as the day workflow leaves it. */
  async pastDay(
    e: TestEmployee,
    workDate: string,
    outcome: 'missed' | 'exempt',
    extra: { level_reached?: number } = {},
  ): Promise<void> {
    const at = new Date(`${workDate}T00:00:00Z`);
    await this.db
      .insertInto('checkin_days')
      .values({
        employee_id: e.id,
        department_id: e.departmentId,
        work_date: workDate,
        outcome,
        opens_at: at,
        closes_at: at,
        late_until: at,
        schedule: JSON.stringify({ workDate }),
        ...extra,
      })
      .execute();
  }

  /** Gives employees the names a test shows or looks for (the generated ones are 员工0, 员工1, …). */
  async rename(...names: [who: { id: number }, name: string][]): Promise<void> {
    for (const [who, name] of names)
      await this.db.updateTable('employees').set({ name }).where('id', '=', who.id).execute();
  }

  /** Starts these employees' day exactly as the fan-out does. */
  async startDay(employees: TestEmployee[], schedule: DaySchedule): Promise<void> {
    const rows = employees.map((e) => ({ id: e.id, department_id: e.departmentId }));
    await insertDaysIfAbsent(
      this.db,
      rows.map((e) => ({ employeeId: e.id, departmentId: e.department_id, schedule })),
    );
    await startEmployeeDays(
      this.temporal,
      this.config.temporal.taskQueue,
      rows.map((r) => ({ ...r, schedule })),
      {
        ladders: true,
        deadlineFloorMs: this.config.schedule.ladderDeadlineFloorMs,
        startAtWindowOpen: this.config.schedule.startAtWindowOpen,
      },
    );
  }

  /** The result of an employee's day workflow. */
  dayResult(workDate: string, employeeId: number) {
    return this.temporal.workflow.getHandle(checkinWorkflowId(workDate, employeeId)).result() as Promise<{
      outcome: string;
      levelReached: number;
    }>;
  }

  /**
   * Waits for a department's ladders of the day (levels 1–3) to end: a day workflow only keeps
   * time, the ladders send, so a day's result says nothing about whether its levels went out yet.
   */
  async laddersDone(workDate: string, departmentId: number): Promise<void> {
    for (const level of REMINDER_LEVELS) {
      const h = this.temporal.workflow.getHandle(departmentBatchWorkflowId(workDate, departmentId, level));
      await h.result().catch((err: Error) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err; // a level not enabled has no ladder
      });
    }
  }

  /** A call to an operator endpoint with the admin token. */
  async admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-admin-token': this.operatorKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  /** the operator key (company-wide admin + HR) that scripts and most tests call the API with */
  get operatorKey(): string {
    const key = this.config.api.adminToken;
    if (!key) throw new Error('the test config has no operator key');
    return key;
  }

  token(employeeId: number): string {
    return signEmployeeToken(this.config.api.sessionSecret, employeeId);
  }

  async submit(employeeId: number, body: unknown, apiUrl = this.apiUrl) {
    const res = await fetch(`${apiUrl}/api/me/checkins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token(employeeId)}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /**
   * The employee checks in with healthy answers (or these instead) under a fresh key; fails the test
   * unless the record is stored (201). The record's id, and the review's id when it opened one.
   */
  async checkIn(employee: { id: number }, answers: Record<string, unknown> = {}) {
    const r = await this.submit(employee.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, ...answers },
    });
    if (r.status !== 201) throw new Error(`check-in answered ${r.status}: ${JSON.stringify(r.body)}`);
    const body = r.body as { record: { id: number }; reviewId?: number | null };
    return { recordId: body.record.id, reviewId: body.reviewId ?? null };
  }

  messages(kind?: FakeMessageKind, to?: string): FakeMessage[] {
    return this.fake.state.messages.filter((m) => (!kind || m.kind === kind) && (!to || m.to.includes(to)));
  }

  /** What `to` received about review `reviewId` (its cards, to-dos: the title carries `#<id>`). */
  reviewMessages(kind: FakeMessageKind, to: string, reviewId: number): FakeMessage[] {
    return this.messages(kind, to).filter((m) => m.title.includes(`#${reviewId}`));
  }

  /**
   * A second API process in all but name, on its own port, whose database handle carries the given
   * keyring (what a replica restarted with other FIELD_ENCRYPTION_KEYS would see).
   */
  async apiWithKeyring(keyring: FieldKeyring): Promise<{ url: string; close: () => Promise<void> }> {
    const app = createApp({
      db: withFieldKeys(this.db, keyring),
      temporal: this.temporal,
      dingtalk: createDingTalk(this.config),
      config: this.config,
      logger: createLogger(this.config.logLevel, `${this.name}-rekeyed`),
    });
    const server: Server = await new Promise((res) => {
      const s = app.listen(0, '127.0.0.1', () => res(s));
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise((r) => server.close(() => r())),
    };
  }

  async close(): Promise<void> {
    for (const c of this.children) await this.killWorker(c, 'SIGKILL');
    await this.stopWorker?.();
    await new Promise((r) => this.server.close(() => r(null)));
    await this.connection.close();
    await this.fake.close();
    await this.db.destroy();
    await dropDatabase(this.config.databaseUrl).catch(() => undefined);
    // an answer that did not match its contract fails the file, whether or not a test looked at it
    const drift = responseDrift.splice(0);
    if (drift.length) throw new Error(`answers that do not match their contract:\n${drift.join('\n')}`);
  }
}

export const validAnswers = { temperature: 36.5, healthCode: 'green', hasSymptoms: false } as const;

export const newKey = () => `key-${randomBytes(8).toString('hex')}`;

/** Polls until `fn` returns a truthy value or the time is up. */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
