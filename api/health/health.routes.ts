// Health endpoints. /livez: the process answers (restart it when not). /readyz: every dependency a
// request needs answers — Postgres, Temporal and, with real credentials, a DingTalk access token —
// so a proxy or orchestrator sends traffic only then; 503 names the failing ones. /healthz is the
// older combined check (Postgres + Temporal), kept for the image's HEALTHCHECK and existing probes.
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { DB } from '../../db/connect.ts';
import { endpoint } from '../http/contract.ts';
import {
  dingtalkTokenProbe,
  postgresProbe,
  readiness,
  temporalProbe,
  type DingTalkCredentials,
} from './probes.ts';

export function healthRoutes(deps: { db: DB; temporal: Client; dingtalk?: DingTalkCredentials }): Router {
  const r = Router();
  const postgres = postgresProbe(deps.db);
  const temporal = temporalProbe(deps.temporal);
  const dingtalk = dingtalkTokenProbe(
    deps.dingtalk ?? { real: false, apiUrl: '', appKey: '', appSecret: '' },
  );
  const healthSchema = z.object({
    status: z.enum(['ok', 'degraded']),
    postgres: z.string(),
    temporal: z.string(),
  });
  const readinessSchema = z.object({
    status: z.enum(['ready', 'not ready']),
    failing: z.array(z.string()),
    checks: z.record(z.string(), z.string()).meta({ description: "check → 'ok', 'skipped' or 'error: …'" }),
  });
  r.get(
    '/healthz',
    endpoint(
      {
        summary: 'Combined health check (Postgres and Temporal)',
        response: { description: 'Both answer', schema: healthSchema },
        otherResponses: [
          { status: 503, description: 'One does not answer (the same shape)', schema: healthSchema },
        ],
      },
      async (_req, res) => {
        const [p, t] = await Promise.all([postgres(), temporal()]);
        const ok = p === 'ok' && t === 'ok';
        res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres: p, temporal: t });
      },
    ),
  );
  r.get(
    '/livez',
    endpoint(
      {
        summary: 'Liveness: the process answers',
        response: { description: 'The process answers', schema: z.object({ status: z.literal('ok') }) },
      },
      (_req, res) => {
        res.set('cache-control', 'no-store').json({ status: 'ok' });
      },
    ),
  );
  r.get(
    '/readyz',
    endpoint(
      {
        summary: 'Readiness: Postgres, Temporal and the DingTalk token answer',
        response: { description: 'Ready', schema: readinessSchema },
        otherResponses: [
          {
            status: 503,
            description: 'Not ready: the same shape, naming the failing checks',
            schema: readinessSchema,
          },
        ],
      },
      async (_req, res) => {
        const { ready, checks, failing } = await readiness({ postgres, temporal, dingtalk });
        res
          .status(ready ? 200 : 503)
          .set('cache-control', 'no-store')
          .json({ status: ready ? 'ready' : 'not ready', failing, checks });
      },
    ),
  );
  return r;
}
