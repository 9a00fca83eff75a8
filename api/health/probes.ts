// Dependency probes shared by the API's and the worker's /readyz: each answers 'ok' or
// 'error: …' within its timeout, never throws, so one slow dependency cannot hang a healthcheck.
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { DB } from '../../db/connect.ts';

export type ProbeResult = 'ok' | 'skipped' | `error: ${string}`;

export async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<ProbeResult> {
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

export const postgresProbe = (db: DB) => () => probe(() => sql`select 1`.execute(db), 2000);

export const temporalProbe = (temporal: Client) => () =>
  probe(
    () => temporal.withDeadline(Date.now() + 2000, () => temporal.workflowService.getSystemInfo({})),
    2500,
  );

export interface DingTalkCredentials {
  /** false: the local fake is configured, nothing to check */
  real: boolean;
  apiUrl: string;
  appKey: string;
  appSecret: string;
}

/**
 * Can an access token be obtained with the configured app credentials? Only with real credentials;
 * a success is remembered for `cacheMs` so healthchecks every few seconds do not spend DingTalk's
 * token quota (a failure is retried at the next probe).
 */
export function dingtalkTokenProbe(
  d: DingTalkCredentials,
  cacheMs = 10 * 60_000,
  now: () => number = Date.now,
): () => Promise<ProbeResult> {
  let okUntil = 0;
  return async () => {
    if (!d.real) return 'skipped';
    if (okUntil > now()) return 'ok';
    const result = await probe(async () => {
      const res = await fetch(`${d.apiUrl}/v1.0/oauth2/accessToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appKey: d.appKey, appSecret: d.appSecret }),
        signal: AbortSignal.timeout(3000),
      });
      const body = (await res.json().catch(() => ({}))) as { accessToken?: string; code?: string };
      if (res.status !== 200 || !body.accessToken)
        throw new Error(`no access token (HTTP ${res.status}${body.code ? `, ${body.code}` : ''})`);
    }, 3500);
    if (result === 'ok') okUntil = now() + cacheMs;
    return result;
  };
}

/** Runs the named checks; ready when none failed ('skipped' counts as passing). */
export async function readiness(checks: Record<string, () => Promise<ProbeResult>>) {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => (checks[n] as () => Promise<ProbeResult>)()));
  const out = Object.fromEntries(names.map((n, i) => [n, results[i] as ProbeResult]));
  const failing = names.filter((n) => out[n]?.startsWith('error'));
  return { ready: failing.length === 0, checks: out, failing };
}
