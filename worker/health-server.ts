// The worker's health endpoints on their own small HTTP server (WORKER_HEALTH_PORT; none when 0):
// /livez answers while the process runs; /readyz while the worker polls its task queue and
// Postgres answers (503 names what fails). Used by the compose healthcheck. /metrics: the worker's
// Prometheus metrics (platform/metrics.ts), scraped inside the Docker network, never published.
import { createServer } from 'node:http';
import { listenInternal, type InternalListener } from '../platform/internal-listener.ts';
import type { DB } from '../db/connect.ts';
import { postgresProbe, readiness, type ProbeResult } from '../api/health/probes.ts';
import { sendMetrics } from '../platform/metrics.ts';

export interface WorkerHealthDeps {
  db: DB;
  /** true while worker.run() is polling (not failed, not shutting down) */
  polling: () => boolean;
}

export async function startWorkerHealthServer(
  deps: WorkerHealthDeps,
  port: number,
  host = '127.0.0.1',
): Promise<InternalListener> {
  const postgres = postgresProbe(deps.db);
  const temporal = (): Promise<ProbeResult> =>
    Promise.resolve(deps.polling() ? 'ok' : 'error: the worker is not polling its task queue');
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { status: 'method not allowed' });
    if (path === '/livez') return send(200, { status: 'ok' });
    if (path === '/metrics') return sendMetrics(res);
    if (path === '/readyz') {
      readiness({ temporal, postgres }).then(
        ({ ready, checks, failing }) =>
          send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', failing, checks }),
        (err: unknown) => send(503, { status: 'not ready', error: (err as Error).message }),
      );
      return;
    }
    send(404, { status: 'not found' });
  });
  return listenInternal(server, port, host);
}
