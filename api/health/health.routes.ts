// Liveness with dependencies: Postgres and Temporal must both answer.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { sql } from 'kysely';
import type { DB } from '../../db/connect.ts';
import { route } from '../http/middleware.ts';

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  const call = fn();
  call.catch(() => undefined); // a failure after the timeout must not become an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      call,
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: { db: DB; temporal: Client }): Router {
  const r = Router();
  r.get(
    '/healthz',
    route(async (_req, res) => {
      const [postgres, temporal] = await Promise.all([
        probe(() => sql`select 1`.execute(deps.db), 2000),
        probe(
          () =>
            deps.temporal.withDeadline(Date.now() + 2000, () =>
              deps.temporal.workflowService.getSystemInfo({}),
            ),
          2500,
        ),
      ]);
      const ok = postgres === 'ok' && temporal === 'ok';
      res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, temporal });
    }),
  );
  return r;
}
