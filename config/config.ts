// The only module that reads process.env: parses it once into a typed, frozen object.
import { z } from 'zod';
import { FIELD_KEY_BYTES, KEY_ID_PATTERN, type FieldKeys } from '../security/field-crypto.ts';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** comma-separated browser origins, each as the browser sends it (a trailing slash or path dropped) */
const origins = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url().transform((u) => new URL(u).origin)));
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/health_checkin'),
  /** Postgres connections each API or worker process keeps at most (scripts use fewer) */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('health-checkin'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_DB_FILE: z.string().default('data/temporal.db'),
  TEMPORAL_CLI: optionalString,
  /** TLS to the Temporal frontend (Temporal Cloud, a cluster behind TLS); on by default with an API key or a client certificate */
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS_CERT_FILE: optionalString,
  TEMPORAL_TLS_KEY_FILE: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(3000),
  PUBLIC_BASE_URL: optionalString,
  /** operator key for scripts and tests (x-admin-token); defaults only outside production */
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16).optional()),
  SESSION_SECRET: optionalString.pipe(z.string().min(16).optional()),
  SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** absolute lifetime of an admin-console session from sign-in, however active */
  SESSION_MAX_HOURS: z.coerce.number().min(0.1).max(72).default(12),
  LOCAL_ADMIN_USERNAME: z
    .string()
    .regex(/^[\w.-]{3,40}$/)
    .default('admin'),
  /** first-start password of the local admin; when unset a one-time password is generated and printed */
  LOCAL_ADMIN_PASSWORD: optionalString.pipe(z.string().min(12).optional()),
  LOCAL_ADMIN_ROLES: z
    .string()
    .default('admin,hr')
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(['admin', 'hr'])).min(1)),
  /** Express 'trust proxy': false, loopback, a hop count or comma-separated addresses/CIDRs */
  TRUST_PROXY: z.string().default('false'),
  /** extra origins allowed to call the API from a browser (comma-separated); same-origin always works */
  CORS_ORIGINS: origins.default([]),
  /**
   * browser origins of the Temporal Web UI allowed to call the payload codec (/temporal-codec) with
   * the admin session; outside production the dev server's UI on TEMPORAL_UI_PORT is the default
   */
  TEMPORAL_UI_ORIGINS: origins.optional(),
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  /** every staff sign-in attempt per IP and minute: a flood guard (failures have their own limit) */
  RATE_LIMIT_SIGNIN_PER_IP: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /**
   * submissions/uploads per IP and minute from callers without a verified identity only: a signed-in
   * employee is bounded per person (_PER_USER) and by the signed token, so an office behind one NAT
   * address is never refused at 09:00
   */
  RATE_LIMIT_SUBMIT_PER_IP: z.coerce.number().int().min(1).default(1200),
  /**
   * every check-in link / 免登 exchange per IP and minute: only a flood guard, since a whole office
   * (2,000 people at 09:00) may share one address; bad codes are bounded by _AUTH_FAILURES_PER_IP
   */
  RATE_LIMIT_EXCHANGE_PER_IP: z.coerce.number().int().min(1).default(6000),
  /** refused sign-ins and exchanges (401: bad, used or expired code, link or password) per IP and minute */
  RATE_LIMIT_AUTH_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  /** employee tokens issued per employee and minute (a leaked link cannot mint tokens in bulk) */
  RATE_LIMIT_EXCHANGE_PER_EMPLOYEE: z.coerce.number().int().min(1).default(10),
  /** submissions/uploads per signed-in person and minute (employee token or staff session) */
  RATE_LIMIT_SUBMIT_PER_USER: z.coerce.number().int().min(1).default(30),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  DEPARTED_DATA_GRACE_DAYS: z.coerce.number().min(0).max(3650).default(30),
  DATA_REQUEST_DEADLINE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(360),
  DATA_REQUEST_REMINDER_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(72),
  DINGTALK_LOGIN_URL: optionalString,
  DINGTALK_APP_KEY: optionalString,
  DINGTALK_APP_SECRET: optionalString,
  DINGTALK_AGENT_ID: optionalString,
  DINGTALK_CORP_ID: z.string().default('ding-fake-corp'),
  DINGTALK_OAPI_URL: optionalString,
  DINGTALK_API_URL: optionalString,
  DINGTALK_FAKE_PORT: port(3100),
  DINGTALK_DING_ROBOT_CODE: optionalString,
  /** import approved leave from DingTalk attendance during the fan-out (needs that permission) */
  DINGTALK_LEAVE_SYNC: bool(true),
  /** calls per second per DingTalk API the client allows itself: standard edition 20, professional 40 */
  DINGTALK_MAX_QPS_PER_API: z.coerce.number().min(1).max(1000).default(20),
  /** after a work notification, when to ask DingTalk who read it (seconds after sending, comma-separated) */
  DINGTALK_RECEIPT_DELAYS_SECONDS: z
    .string()
    .default('60,900,3600')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(z.number().positive().max(86_400)).min(1).max(10)),
  /** SIGTERM: how long the API and worker may finish in-flight work before they exit anyway */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(8),
  DAY_TIME_SCALE: z.coerce.number().min(1).max(100_000).default(1),
  BATCH_WINDOW_SECONDS: z.coerce.number().min(0).max(3600).default(20),
  LADDER_DEADLINE_FLOOR_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
  /** the fan-out starts each day with a start delay until its window opens (no workflow task before) */
  DAY_START_AT_WINDOW_OPEN: bool(true),
  /** day workflows the fan-out starts concurrently */
  FANOUT_START_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(32),
  REVIEW_WARNING_TIMEOUT_SECONDS: z.coerce
    .number()
    .min(1)
    .max(7 * 86400)
    .default(7200),
  REVIEW_RED_TIMEOUT_SECONDS: z.coerce
    .number()
    .min(1)
    .max(7 * 86400)
    .default(1800),
  EXPORT_DIR: z.string().min(1).default('data/exports'),
  EXPORT_RETENTION_HOURS: z.coerce
    .number()
    .min(0.0001)
    .max(24 * 90)
    .default(24),
  /** exports expected to hold more records than this run as a workflow instead of streaming back */
  EXPORT_SYNC_MAX_RECORDS: z.coerce.number().int().min(0).default(20_000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** who tells Temporal about a committed submission: the API's signal pump, or the worker's drainer woken by NOTIFY */
  OUTBOX_DELIVERY: z.enum(['api', 'worker']).default('api'),
  /** Temporal calls the API's signal pump keeps in flight while delivering committed submissions' outbox rows */
  OUTBOX_PUMP_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** first submissions of the day stored together in one transaction at most (1 = each alone) */
  SUBMIT_GROUP_COMMIT_MAX: z.coerce.number().int().min(1).max(1000).default(100),
  /** submissions (self and 代填) one API process works on at once; more are refused with 503 (0 = no bound) */
  SUBMIT_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(256),
  /** outbox rows the signal pump locks and marks delivered together */
  OUTBOX_PUMP_BATCH: z.coerce.number().int().min(1).max(1000).default(200),
  /** the worker's /livez and /readyz HTTP server; 0 (the default) runs none */
  WORKER_HEALTH_PORT: port(0),
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  /** workflows the main worker keeps in its sticky cache (an evicted day is replayed: a few events) */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  /** workflow tasks the main worker runs at once */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).default(40),
  /** workflow threads of each worker (one reused V8 context each) */
  WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** the API's internal /metrics listener; 0 (the default) runs none (outside production the API port answers /metrics) */
  METRICS_PORT: port(0),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** the Temporal SDK's own Prometheus metrics (worker); 0 (the default) exports none */
  TEMPORAL_METRICS_PORT: port(0),
  /** OpenTelemetry traces: none (the default: no tracing at all), otlp (OTLP over HTTP) or console */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  OTEL_SERVICE_NAME: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  /** share of new traces recorded (parent-based: a traced caller's decision is kept) */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  SEED_DEMO: bool(true),
  /** "kid:base64-32-bytes,kid2:…": every key that may have sealed stored data */
  FIELD_ENCRYPTION_KEYS: optionalString,
  /** the kid new ciphertexts are sealed with (may be omitted when there is one key) */
  FIELD_ENCRYPTION_ACTIVE_KEY: optionalString,
});

export type EnvKey = keyof z.input<typeof envSchema>;

/**
 * What each variable is for: the source of docs/configuration.md (`npm run docs:config` writes the
 * table; test/unit/config-docs.test.ts fails when it is stale). Every key of envSchema needs a line.
 */
export const envDescriptions: Record<EnvKey, string> = {
  NODE_ENV: '`production` refuses the published development secrets and keys (see docs/security.md)',
  LOG_LEVEL: 'pino level (JSON logs with request, workflow and activity ids)',
  DATABASE_URL: 'Postgres; `npm start` creates the database if missing',
  DATABASE_POOL_SIZE:
    'Postgres connections each API or worker process keeps at most; the submission path holds one per group-commit lane (3) and one for the signal pump, its reads share the rest (10 left the rush waiting ~0.7 s per read at 200/s). Mind `max_connections` × processes',
  TEMPORAL_ADDRESS: 'use this Temporal frontend instead of starting a dev server (`npm start`)',
  TEMPORAL_NAMESPACE: 'Temporal namespace',
  TEMPORAL_TASK_QUEUE: 'task queue of the worker',
  TEMPORAL_DEV_PORT: 'port of the embedded Temporal dev server',
  TEMPORAL_UI_PORT: "port of the dev server's Web UI",
  TEMPORAL_DB_FILE: 'SQLite file of the dev server (WAL mode)',
  TEMPORAL_CLI: 'path of the `temporal` binary (else PATH, then `.bin/temporal`)',
  TEMPORAL_TLS:
    'TLS to the Temporal frontend (`true`/`false`); on by default when `TEMPORAL_API_KEY` or `TEMPORAL_TLS_CERT_FILE` is set',
  TEMPORAL_API_KEY: 'Temporal Cloud API key (sent as a bearer token; implies TLS)',
  TEMPORAL_TLS_CERT_FILE:
    'client certificate (PEM) for mTLS to Temporal (Temporal Cloud mTLS namespaces); goes with `TEMPORAL_TLS_KEY_FILE`',
  TEMPORAL_TLS_KEY_FILE: 'private key (PEM) of `TEMPORAL_TLS_CERT_FILE`',
  TEMPORAL_TLS_SERVER_NAME:
    "server name to verify in the frontend's certificate (default: the host of `TEMPORAL_ADDRESS`)",
  API_HOST: 'address the API listens on',
  API_PORT: 'port the API listens on',
  PUBLIC_BASE_URL: 'base of links in DingTalk messages (default `http://127.0.0.1:$API_PORT`)',
  ADMIN_TOKEN:
    "operator key (`x-admin-token`) for scripts: company-wide admin + HR; a published dev key on a developer's machine only",
  SESSION_SECRET: "HMAC key of sessions, link tokens, passes and CSRF; required off a developer's machine",
  SESSION_TTL_MINUTES: 'admin session lifetime, renewed while in use',
  SESSION_MAX_HOURS: 'absolute admin session lifetime from sign-in, however active',
  LOCAL_ADMIN_USERNAME: 'the local account created on first start',
  LOCAL_ADMIN_PASSWORD: 'its first-start password; when unset a one-time password is generated and printed',
  LOCAL_ADMIN_ROLES: 'its roles (`admin`, `hr`); HR of a local account covers all departments',
  TRUST_PROXY: 'Express `trust proxy` (`loopback`, a hop count, addresses/CIDRs) for the audited client IP',
  CORS_ORIGINS: 'extra browser origins allowed to call the API (comma-separated); same-origin always works',
  TEMPORAL_UI_ORIGINS:
    'Temporal Web UI origins allowed to call the payload codec with a session (default: the dev UI on `TEMPORAL_UI_PORT`, none in production)',
  TLS_CERT_FILE: 'serve HTTPS itself (TLS 1.3 only); goes with `TLS_KEY_FILE`',
  TLS_KEY_FILE: 'private key of `TLS_CERT_FILE`',
  RATE_LIMIT_SIGNIN_PER_IP:
    'every staff sign-in attempt per IP and minute (a flood guard; refused ones also count against `RATE_LIMIT_AUTH_FAILURES_PER_IP`)',
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: 'sign-in attempts per account and minute',
  RATE_LIMIT_SUBMIT_PER_IP: 'submissions and uploads per IP and minute',
  RATE_LIMIT_EXCHANGE_PER_IP:
    'every check-in link and 免登 exchange per IP and minute: a flood guard sized for a whole office behind one address',
  RATE_LIMIT_AUTH_FAILURES_PER_IP:
    'refused sign-ins and exchanges (401: a bad, used or expired code, link or password) per IP and minute',
  RATE_LIMIT_EXCHANGE_PER_EMPLOYEE: 'employee tokens issued per employee and minute',
  RATE_LIMIT_SUBMIT_PER_USER: 'submissions and uploads per employee and minute',
  AUDIT_RETENTION_DAYS: 'the daily retention job deletes older audit rows',
  RECORD_RETENTION_DAYS: 'the daily retention job deletes older health records',
  RETENTION_BATCH_SIZE: 'rows per retention batch',
  DEPARTED_DATA_GRACE_DAYS:
    "a deactivated employee's health data is deleted this long after they left (the company's privacy setting overrides it; fractions for tests)",
  DATA_REQUEST_DEADLINE_HOURS:
    "an employee's correction or deletion request not decided by HR within this time escalates to company-wide HR",
  DATA_REQUEST_REMINDER_HOURS:
    'HR is reminded of an undecided correction or deletion request at this interval',
  DINGTALK_LOGIN_URL: 'scan-to-log-in page (default `https://login.dingtalk.com`, or the fake)',
  DINGTALK_APP_KEY: 'all three of APP_KEY, APP_SECRET and AGENT_ID set → real DingTalk, else the local fake',
  DINGTALK_APP_SECRET: 'see `DINGTALK_APP_KEY`',
  DINGTALK_AGENT_ID: 'see `DINGTALK_APP_KEY`',
  DINGTALK_CORP_ID: "corpId for the check-in page's JSAPI",
  DINGTALK_OAPI_URL: 'override the `oapi.dingtalk.com` base URL (default: the real host, or the fake)',
  DINGTALK_API_URL: 'override the `api.dingtalk.com` base URL (default: the real host, or the fake)',
  DINGTALK_FAKE_PORT: 'port of the DingTalk fake `npm start` runs without real credentials',
  DINGTALK_DING_ROBOT_CODE: 'enables DING phone calls at level 3 where the policy asks',
  DINGTALK_LEAVE_SYNC:
    'import approved leave from DingTalk attendance during the fan-out (needs that permission)',
  DINGTALK_MAX_QPS_PER_API:
    'calls per second per DingTalk API the client allows itself (standard edition 20, professional 40)',
  DINGTALK_RECEIPT_DELAYS_SECONDS:
    'seconds after a work notification to ask DingTalk who read it (comma-separated)',
  SHUTDOWN_GRACE_SECONDS: 'SIGTERM: how long the API and worker may finish in-flight work before they exit',
  DAY_TIME_SCALE: 'compress scheduled days (demos); 240 = an 8 h day in 2 min',
  BATCH_WINDOW_SECONDS: 'how long a department batch gathers before sending (scaled with the day)',
  LADDER_DEADLINE_FLOOR_SECONDS:
    "a department ladder tries a level at least this long after its instant, even past the day's late window (compressed days; not scaled)",
  DAY_START_AT_WINDOW_OPEN:
    'the fan-out starts a day with a Temporal start delay into its window (spread by employee between the opening and shortly before the first reminder): no workflow task (and no worker memory) before; signals sent earlier are delivered then, a query before then is refused (`Workflow task is not scheduled yet`)',
  FANOUT_START_CONCURRENCY:
    'day workflows the fan-out starts concurrently (Temporal `StartWorkflowExecution` calls in flight)',
  REVIEW_WARNING_TIMEOUT_SECONDS:
    'a warning-level review escalates to HR when the manager has not decided by then',
  REVIEW_RED_TIMEOUT_SECONDS: 'a red-level review escalates to HR when the manager has not decided by then',
  EXPORT_DIR: 'where report files are written (owner-only); API and worker must share it',
  EXPORT_RETENTION_HOURS: 'report files and their rows are deleted after this long',
  EXPORT_SYNC_MAX_RECORDS:
    'exports expected to hold more records run as a workflow instead of streaming back',
  OUTBOX_POLL_MS: 'how often the worker delivers signals and starts the outbox holds',
  OUTBOX_DELIVERY:
    "who tells Temporal about a committed submission: `api` (the API process's signal pump, within its request's trace) or `worker` (the API sends a Postgres NOTIFY after commit and the workers' drainers, which LISTEN, deliver: the API makes no Temporal calls for submissions; API and workers must agree)",
  OUTBOX_PUMP_CONCURRENCY:
    "Temporal calls the API's signal pump keeps in flight while delivering committed submissions' outbox rows",
  OUTBOX_PUMP_BATCH: 'outbox rows the signal pump locks and marks delivered together',
  SUBMIT_GROUP_COMMIT_MAX:
    'first submissions of the day stored together in one transaction at most (1 = each alone)',
  SUBMIT_MAX_IN_FLIGHT:
    'submissions (self and 代填) one API process works on at once; one more is refused at once with 503 and `Retry-After` (nothing stored, the page resends later under the same key) instead of queueing; 0 = no bound',
  WORKER_HEALTH_PORT:
    "port of the worker's health server (`/livez`, `/readyz`: Temporal polling and Postgres); 0 runs none",
  WORKER_HEALTH_HOST: "address the worker's health server listens on",
  WORKER_MAX_CACHED_WORKFLOWS:
    "workflows the main worker keeps in its sticky cache; an evicted day is replayed from its few events (bounds the worker's memory with 100k open days)",
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 'workflow tasks the main worker runs at once',
  WORKER_WORKFLOW_THREADS: 'workflow threads of each worker (each holds one reused V8 context)',
  METRICS_PORT:
    "port of the API's internal Prometheus `/metrics` listener; 0 runs none. Outside production the API's own port also answers `/metrics`, in production never (the worker's is on `WORKER_HEALTH_PORT`)",
  METRICS_HOST: "address the API's internal `/metrics` listener and the Temporal SDK metrics listen on",
  TEMPORAL_METRICS_PORT:
    "port of the Temporal SDK's own Prometheus metrics (`temporal_*`: task latencies, pollers, slots) in the worker; 0 exports none",
  OTEL_TRACES_EXPORTER:
    'OpenTelemetry traces: `none` (tracing off, no overhead), `otlp` (OTLP/HTTP) or `console`',
  OTEL_SERVICE_NAME: 'service name on the traces (default `health-checkin-api`, `health-checkin-worker`)',
  OTEL_EXPORTER_OTLP_ENDPOINT:
    'OTLP/HTTP collector base URL (`/v1/traces` is appended; default `http://localhost:4318`); other `OTEL_EXPORTER_OTLP_*` variables (headers, timeout) are read by the exporter',
  OTEL_TRACES_SAMPLER_ARG:
    'share of new traces recorded, 0–1 (parent-based: a traced caller decides for its trace)',
  SEED_DEMO: 'seed the demo organisation into an empty database',
  FIELD_ENCRYPTION_KEYS:
    "`kid:base64-32-byte-key,…`: every key that may have sealed stored data; a published dev key on a developer's machine only",
  FIELD_ENCRYPTION_ACTIVE_KEY: 'key id new values are sealed with (may be omitted when there is one key)',
};

/** The published development secrets: defaults on a developer's machine, refused anywhere else. */
export const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me';
export const DEV_ADMIN_TOKEN = 'dev-admin-token-0123456789';

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Why the published secrets must not be used, or null on a developer's machine: production, real
 * DingTalk credentials (real people's data) or an API reachable from other machines each suffice,
 * whatever NODE_ENV says.
 */
function secretsRequired(e: {
  NODE_ENV: string;
  API_HOST: string;
  DINGTALK_APP_KEY?: string;
  DINGTALK_APP_SECRET?: string;
}): string | null {
  if (e.NODE_ENV === 'production') return 'in production';
  if (e.DINGTALK_APP_KEY || e.DINGTALK_APP_SECRET) return 'when real DingTalk credentials are set';
  if (!isLoopback(e.API_HOST)) return `when the API listens beyond loopback (API_HOST=${e.API_HOST})`;
  return null;
}

/** Published development key: the default on a developer's machine, refused elsewhere. */
export const DEV_FIELD_ENCRYPTION_KEYS = 'dev:aGVhbHRoLWNoZWNraW4tZGV2LWZpZWxkLWtleS0zMmI=';

const devKey = Buffer.from(DEV_FIELD_ENCRYPTION_KEYS.slice('dev:'.length), 'base64');

type Issue = (path: string, message: string) => void;

/** FIELD_ENCRYPTION_KEYS / _ACTIVE_KEY → keyring config; every key exactly 32 bytes of base64. */
function parseFieldKeys(
  e: { FIELD_ENCRYPTION_KEYS?: string; FIELD_ENCRYPTION_ACTIVE_KEY?: string },
  required: string | null,
  issue: Issue,
): FieldKeys {
  const keys = new Map<string, Buffer>();
  if (required && !e.FIELD_ENCRYPTION_KEYS) {
    issue('FIELD_ENCRYPTION_KEYS', `required ${required}`);
    return { activeKeyId: '', keys };
  }
  for (const entry of (e.FIELD_ENCRYPTION_KEYS ?? DEV_FIELD_ENCRYPTION_KEYS).split(',')) {
    const at = entry.indexOf(':');
    const kid = entry.slice(0, at).trim();
    const b64 = entry.slice(at + 1).trim();
    if (at < 0 || !KEY_ID_PATTERN.test(kid)) {
      issue('FIELD_ENCRYPTION_KEYS', 'expected "kid:base64key,…" with key ids of letters, digits, _ or -');
      continue;
    }
    const key = Buffer.from(b64, 'base64');
    // Buffer.from skips what is not base64, so re-encode to catch typos.
    if (
      key.length !== FIELD_KEY_BYTES ||
      key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')
    ) {
      issue('FIELD_ENCRYPTION_KEYS', `key "${kid}" must be exactly ${FIELD_KEY_BYTES} bytes in base64`);
      continue;
    }
    if (keys.has(kid)) issue('FIELD_ENCRYPTION_KEYS', `key id "${kid}" is listed twice`);
    if (required && key.equals(devKey)) {
      issue('FIELD_ENCRYPTION_KEYS', `the published development key cannot be used ${required}`);
    }
    keys.set(kid, key);
  }
  if (keys.size === 0) return { activeKeyId: '', keys };
  const only = keys.size === 1 ? [...keys.keys()][0] : undefined;
  const activeKeyId = e.FIELD_ENCRYPTION_ACTIVE_KEY ?? only ?? '';
  if (!activeKeyId) issue('FIELD_ENCRYPTION_ACTIVE_KEY', 'required when several keys are configured');
  else if (!keys.has(activeKeyId)) {
    issue('FIELD_ENCRYPTION_ACTIVE_KEY', `"${activeKeyId}" is not one of FIELD_ENCRYPTION_KEYS`);
  }
  return { activeKeyId, keys };
}

export type Env = z.input<typeof envSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema
    .transform((e, ctx) => {
      const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path: [path], message });
      const required = secretsRequired(e);
      if (required) {
        if (!e.SESSION_SECRET) issue('SESSION_SECRET', `required ${required}`);
        else if (e.SESSION_SECRET === DEV_SESSION_SECRET)
          issue('SESSION_SECRET', `the published development secret cannot be used ${required}`);
        if (e.ADMIN_TOKEN === DEV_ADMIN_TOKEN)
          issue('ADMIN_TOKEN', `the published development key cannot be used ${required}`);
      }
      return { ...e, required, fieldEncryption: parseFieldKeys(e, required, issue) };
    })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (Boolean(e.TEMPORAL_TLS_CERT_FILE) !== Boolean(e.TEMPORAL_TLS_KEY_FILE))
    throw new Error('Invalid configuration:\n  TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together');
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE))
    throw new Error('Invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE go together');
  const realDingtalk = Boolean(e.DINGTALK_APP_KEY && e.DINGTALK_APP_SECRET && e.DINGTALK_AGENT_ID);
  const fakeBase = `http://127.0.0.1:${e.DINGTALK_FAKE_PORT}`;
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    temporal: Object.freeze({
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiOrigins:
        e.TEMPORAL_UI_ORIGINS ??
        (production
          ? []
          : [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`]),
      dbFile: e.TEMPORAL_DB_FILE,
      cli: e.TEMPORAL_CLI,
      tls: Object.freeze({
        enabled:
          e.TEMPORAL_TLS === undefined
            ? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_FILE)
            : ['true', '1', 'yes'].includes(e.TEMPORAL_TLS),
        apiKey: e.TEMPORAL_API_KEY,
        certFile: e.TEMPORAL_TLS_CERT_FILE,
        keyFile: e.TEMPORAL_TLS_KEY_FILE,
        serverName: e.TEMPORAL_TLS_SERVER_NAME,
      }),
    }),
    api: Object.freeze({
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.API_PORT}`,
      /** undefined disables the operator key (the default wherever the dev secrets are refused) */
      adminToken: e.ADMIN_TOKEN ?? (e.required ? undefined : DEV_ADMIN_TOKEN),
      sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      corsOrigins: e.CORS_ORIGINS,
      tls:
        e.TLS_CERT_FILE && e.TLS_KEY_FILE
          ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
          : undefined,
    }),
    auth: Object.freeze({
      sessionTtlSeconds: e.SESSION_TTL_MINUTES * 60,
      sessionMaxSeconds: Math.round(e.SESSION_MAX_HOURS * 3600),
      localAdmin: {
        username: e.LOCAL_ADMIN_USERNAME,
        password: e.LOCAL_ADMIN_PASSWORD,
        roles: e.LOCAL_ADMIN_ROLES,
      },
      rateLimits: {
        signinPerIp: e.RATE_LIMIT_SIGNIN_PER_IP,
        signinPerAccount: e.RATE_LIMIT_SIGNIN_PER_ACCOUNT,
        submitPerIp: e.RATE_LIMIT_SUBMIT_PER_IP,
        exchangePerIp: e.RATE_LIMIT_EXCHANGE_PER_IP,
        authFailuresPerIp: e.RATE_LIMIT_AUTH_FAILURES_PER_IP,
        exchangePerEmployee: e.RATE_LIMIT_EXCHANGE_PER_EMPLOYEE,
        submitPerUser: e.RATE_LIMIT_SUBMIT_PER_USER,
      },
    }),
    retention: Object.freeze({
      auditDays: e.AUDIT_RETENTION_DAYS,
      recordDays: e.RECORD_RETENTION_DAYS,
      batchSize: e.RETENTION_BATCH_SIZE,
      departedGraceMs: Math.round(e.DEPARTED_DATA_GRACE_DAYS * 86_400_000),
    }),
    dataRequests: Object.freeze({
      deadlineMs: Math.round(e.DATA_REQUEST_DEADLINE_HOURS * 3_600_000),
      reminderMs: Math.round(e.DATA_REQUEST_REMINDER_HOURS * 3_600_000),
    }),
    dingtalk: Object.freeze({
      /** true when real credentials are configured; otherwise the local fake is used */
      real: realDingtalk,
      appKey: e.DINGTALK_APP_KEY ?? 'fake-app-key',
      appSecret: e.DINGTALK_APP_SECRET ?? 'fake-app-secret',
      agentId: e.DINGTALK_AGENT_ID ?? '100001',
      corpId: e.DINGTALK_CORP_ID,
      oapiUrl: e.DINGTALK_OAPI_URL ?? (realDingtalk ? 'https://oapi.dingtalk.com' : fakeBase),
      apiUrl: e.DINGTALK_API_URL ?? (realDingtalk ? 'https://api.dingtalk.com' : fakeBase),
      loginUrl: e.DINGTALK_LOGIN_URL ?? (realDingtalk ? 'https://login.dingtalk.com' : fakeBase),
      fakePort: e.DINGTALK_FAKE_PORT,
      dingRobotCode: e.DINGTALK_DING_ROBOT_CODE,
      leaveSync: e.DINGTALK_LEAVE_SYNC,
      maxQpsPerApi: e.DINGTALK_MAX_QPS_PER_API,
      receiptDelaysMs: e.DINGTALK_RECEIPT_DELAYS_SECONDS.map((x) => x * 1000),
    }),
    schedule: Object.freeze({
      dayTimeScale: e.DAY_TIME_SCALE,
      batchWindowSeconds: e.BATCH_WINDOW_SECONDS,
      ladderDeadlineFloorMs: e.LADDER_DEADLINE_FLOOR_SECONDS * 1000,
      startAtWindowOpen: e.DAY_START_AT_WINDOW_OPEN,
      fanoutConcurrency: e.FANOUT_START_CONCURRENCY,
    }),
    review: Object.freeze({
      warningTimeoutMs: e.REVIEW_WARNING_TIMEOUT_SECONDS * 1000,
      redTimeoutMs: e.REVIEW_RED_TIMEOUT_SECONDS * 1000,
    }),
    exports: Object.freeze({
      dir: e.EXPORT_DIR,
      retentionMs: e.EXPORT_RETENTION_HOURS * 3600_000,
      syncMaxRecords: e.EXPORT_SYNC_MAX_RECORDS,
    }),
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxDelivery: e.OUTBOX_DELIVERY,
    submitGroupCommitMax: e.SUBMIT_GROUP_COMMIT_MAX,
    /** 0: no bound */
    submitMaxInFlight: e.SUBMIT_MAX_IN_FLIGHT,
    outboxPump: Object.freeze({ concurrency: e.OUTBOX_PUMP_CONCURRENCY, batchSize: e.OUTBOX_PUMP_BATCH }),
    worker: Object.freeze({
      healthPort: e.WORKER_HEALTH_PORT,
      healthHost: e.WORKER_HEALTH_HOST,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      workflowThreads: e.WORKER_WORKFLOW_THREADS,
    }),
    metrics: Object.freeze({
      port: e.METRICS_PORT,
      host: e.METRICS_HOST,
      temporalPort: e.TEMPORAL_METRICS_PORT,
    }),
    tracing: Object.freeze({
      exporter: e.OTEL_TRACES_EXPORTER,
      serviceName: e.OTEL_SERVICE_NAME,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
        : undefined,
      sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
    }),
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    seedDemo: e.SEED_DEMO,
    fieldEncryption: Object.freeze(e.fieldEncryption),
  });
}

function parseTrustProxy(v: string): boolean | number | string[] {
  if (v === 'false' || v === '') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim());
}

export type AppConfig = ReturnType<typeof loadConfig>;
