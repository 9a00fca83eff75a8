// Prometheus metrics of this process (prom-client), one registry per process: the API and the
// worker register the same series; each process's /metrics shows what it did (`npm start` runs both
// in one process, so one /metrics shows all). Counters and histograms are updated in memory on the
// request path (one observe per request, no I/O); the database gauges (outbox backlog, review
// backlog, today's check-ins) are read from Postgres only when Prometheus scrapes, and only in a
// process that called `collectFromDatabase` (the worker). The Temporal SDK's own metrics
// (temporal_*) come from its Rust runtime on their own port (worker/create-worker.ts).
import { createServer, type ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { listenInternal, type InternalListener } from './internal-listener.ts';
import type { DB } from '../db/connect.ts';
import { dayProgress, outboxBacklog, reviewBacklog } from '../db/repositories/ops-metrics.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'hc_process_' });

export const httpRequestDuration = new Histogram({
  name: 'hc_http_request_duration_seconds',
  help: 'API request duration by route template (never the raw URL), method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const submissionsTotal = new Counter({
  name: 'hc_submissions_total',
  help: 'Check-in submissions (self and 代填): accepted (stored, replayed) or refused by problem code and first field issue code',
  labelNames: ['outcome', 'reason', 'issue'] as const,
  registers: [registry],
});

export const submissionsInFlight = new Gauge({
  name: 'hc_submissions_in_flight',
  help: 'Submissions (self and 代填) this API process is working on; one over SUBMIT_MAX_IN_FLIGHT is refused (hc_submissions_total reason overloaded)',
  registers: [registry],
});

export const remindersTotal = new Counter({
  name: 'hc_reminders_total',
  help: 'Reminder rows that reached a final state, by ladder level (0 = remind now) and status (sent, failed, skipped, unknown)',
  labelNames: ['level', 'status'] as const,
  registers: [registry],
});

export const reminderReceiptsTotal = new Counter({
  name: 'hc_reminder_receipts_total',
  help: 'Delivery states DingTalk reported for work-notification reminders at each receipt check (read, unread, failed, forbidden; a person still unread is counted again at the next check)',
  labelNames: ['level', 'delivery'] as const,
  registers: [registry],
});

export const dingtalkCallsTotal = new Counter({
  name: 'hc_dingtalk_calls_total',
  help: 'DingTalk calls by endpoint and errcode (0 = success; network, bad_response, or the v1 code / HTTP status)',
  labelNames: ['endpoint', 'errcode'] as const,
  registers: [registry],
});

export const dingtalkThrottledTotal = new Counter({
  name: 'hc_dingtalk_throttled_total',
  help: 'DingTalk throttling answers (90018, 90002, 410100, 130101, HTTP 429) by endpoint',
  labelNames: ['endpoint'] as const,
  registers: [registry],
});

export const dingtalkCallDuration = new Histogram({
  name: 'hc_dingtalk_call_duration_seconds',
  help: 'DingTalk call duration by endpoint (the wait for the client QPS limit included)',
  labelNames: ['endpoint'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const exportDuration = new Histogram({
  name: 'hc_export_duration_seconds',
  help: 'Report export duration by format, mode (sync: streamed back; workflow: a file) and outcome',
  labelNames: ['format', 'mode', 'outcome'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [registry],
});

/** 1 while this process's worker polls its task queue (set by the worker entry). */
export const workerPolling = new Gauge({
  name: 'hc_worker_polling',
  help: 'Whether the worker polls its task queue (1) or not (0: failed, shutting down)',
  registers: [registry],
});

// ---------- gauges read from Postgres at scrape time ----------

let source: DB | undefined;

/** Makes this process report the database gauges below (the worker; only one DB at a time). */
export function collectFromDatabase(db: DB | undefined): void {
  source = db;
  snapshot = undefined;
}

interface DbSnapshot {
  outbox: Awaited<ReturnType<typeof outboxBacklog>>;
  reviews: Awaited<ReturnType<typeof reviewBacklog>>;
  day: Awaited<ReturnType<typeof dayProgress>>;
}
let snapshot: { at: number; value: Promise<DbSnapshot> } | undefined;

/** The three cheap queries, once per scrape (the gauges below are collected concurrently). */
function readDatabase(db: DB): Promise<DbSnapshot> {
  if (snapshot && Date.now() - snapshot.at < 1000) return snapshot.value;
  const value = Promise.all([outboxBacklog(db), reviewBacklog(db), dayProgress(db)]).then(
    ([outbox, reviews, day]) => ({ outbox, reviews, day }),
  );
  snapshot = { at: Date.now(), value };
  value.catch(() => (snapshot = undefined));
  return value;
}

/** A gauge whose value is read from the database snapshot when scraped (nothing without a source). */
function dbGauge<L extends string>(
  cfg: { name: string; help: string; labelNames?: readonly L[] },
  fill: (g: Gauge<L>, s: DbSnapshot) => void,
): Gauge<L> {
  return new Gauge<L>({
    ...cfg,
    registers: [registry],
    async collect() {
      if (!source) return;
      fill(this, await readDatabase(source));
    },
  });
}

const REVIEW_OPEN = ['pending', 'recheck_requested'] as const;

dbGauge(
  {
    name: 'hc_outbox_backlog',
    help: 'Signal-outbox rows not yet delivered to Temporal (read at scrape time)',
  },
  (g, s) => g.set(s.outbox.rows),
);
dbGauge(
  {
    name: 'hc_outbox_oldest_age_seconds',
    help: 'Age of the oldest undelivered signal-outbox row in seconds (0 when none; read at scrape time)',
  },
  (g, s) => g.set(s.outbox.oldestAgeSeconds),
);
dbGauge(
  {
    name: 'hc_review_backlog',
    help: 'Open reviews by status (pending, recheck_requested; read at scrape time)',
    labelNames: ['status'] as const,
  },
  (g, s) => {
    for (const status of REVIEW_OPEN)
      g.set({ status }, s.reviews.find((r) => r.status === status)?.count ?? 0);
  },
);
dbGauge(
  {
    name: 'hc_review_oldest_age_seconds',
    help: 'Age of the oldest open review by status in seconds (0 when none; read at scrape time)',
    labelNames: ['status'] as const,
  },
  (g, s) => {
    for (const status of REVIEW_OPEN)
      g.set({ status }, s.reviews.find((r) => r.status === status)?.oldestAgeSeconds ?? 0);
  },
);
dbGauge(
  {
    name: 'hc_day_employees',
    help: "Today's check-in days (company time zone) by state: expected, submitted, pending, missed, exempt (department_day_stats, read at scrape time)",
    labelNames: ['state'] as const,
  },
  (g, s) => {
    for (const [state, n] of Object.entries(s.day)) g.set({ state }, n);
  },
);

// ---------- HTTP ----------

declare module 'express-serve-static-core' {
  interface Locals {
    /** the problem code the error handler answered with (api/http/middleware.ts), for the submission counter */
    problemCode?: string;
    /** the first field's issue code of a validation problem */
    problemIssue?: string;
    /** the matched route's template, kept while the router still knows its mount point (route()) */
    routeTemplate?: string;
  }
}

/**
 * The route template of a request: the matched route's path under its router's mount point
 * (`/api/reviews/:id/decision`), never the raw URL (ids would make a series per record).
 */
export function routeTemplate(req: Request, status: number): string {
  const kept = req.res?.locals.routeTemplate;
  if (kept) return kept;
  const r = req.route as { path?: unknown } | undefined;
  if (r && (typeof r.path === 'string' || Array.isArray(r.path))) {
    const path = Array.isArray(r.path) ? r.path.map(String).join('|') : r.path;
    return `${req.baseUrl}${path === '/' && req.baseUrl ? '' : path}` || '/';
  }
  if (status === 404) return 'unmatched';
  // static files (admin UI, check-in page assets) and middleware answers (CORS, limits, auth)
  return req.originalUrl.startsWith('/api/') ? '/api/*' : 'static';
}

/** One histogram observation per request when its answer is finished. */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpRequestDuration.observe(
        { method: req.method, route: routeTemplate(req, res.statusCode), status: String(res.statusCode) },
        seconds,
      );
    });
    next();
  };
}

/** Counts the submissions of these routes by outcome once answered (mount before the routes). */
export function submissionMetrics(): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => {
      const s = res.statusCode;
      if (s === 200 || s === 201) {
        submissionsTotal.inc({ outcome: 'accepted', reason: s === 201 ? 'stored' : 'replayed', issue: '' });
      } else {
        submissionsTotal.inc({
          outcome: 'refused',
          reason: res.locals.problemCode ?? `http_${s}`,
          issue: res.locals.problemIssue ?? '',
        });
      }
    });
    next();
  };
}

/** GET /metrics in the Prometheus text format. */
export const metricsHandler: RequestHandler = (_req, res, next) => {
  registry.metrics().then((text) => {
    res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(text);
  }, next);
};

/** Writes /metrics to a plain Node response (the worker's health server, the internal metrics server). */
export function sendMetrics(res: ServerResponse): void {
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
    (err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`metrics failed: ${(err as Error).message}`);
    },
  );
}

/** The API's internal metrics listener (METRICS_PORT): only /metrics, never the app. */
export async function startMetricsServer(port: number, host: string): Promise<InternalListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') return sendMetrics(res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return listenInternal(server, port, host);
}

// ---------- DingTalk ----------

/** The endpoint label: path without query and with ids replaced (`/v1.0/todo/users/{unionId}/tasks`). */
export function dingtalkEndpoint(api: string): string {
  const path = (api.split('?')[0] ?? '').replace(/\/users\/[^/]+\//, '/users/{unionId}/').slice(0, 80);
  return path.startsWith('/') ? path : `/${path}`;
}

/** The DingTalk client's per-call hook (platform/dingtalk.ts). */
export function observeDingTalkCall(api: string, errcode: string, seconds: number, throttled: boolean): void {
  const endpoint = dingtalkEndpoint(api);
  dingtalkCallsTotal.inc({ endpoint, errcode });
  dingtalkCallDuration.observe({ endpoint }, seconds);
  if (throttled) dingtalkThrottledTotal.inc({ endpoint });
}

/**
 * Every series name this registry exposes, a histogram's _bucket, _sum and _count included (the
 * alert rules and the dashboard may use only these: test/unit/docker-files.test.ts).
 */
export async function exposedSeriesNames(): Promise<string[]> {
  return (await registry.getMetricsAsJSON()).flatMap((m) =>
    String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  );
}
