// The few figures Prometheus reads from Postgres at scrape time (platform/metrics.ts): each is one
// small, index-backed query, so a scrape every 15 s costs the database nothing it would notice.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import { getCurrentPolicyCached } from './policy.ts';

/**
 * Undelivered signal-outbox rows and the age of the oldest. The partial index
 * signal_outbox_pending_idx holds exactly the undelivered rows, so this reads the backlog, never
 * the delivered history.
 */
export async function outboxBacklog(db: DB): Promise<{ rows: number; oldestAgeSeconds: number }> {
  const r = await db
    .selectFrom('signal_outbox')
    .select([
      sql<string>`count(*)`.as('rows'),
      sql<string | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
    ])
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { rows: Number(r.rows), oldestAgeSeconds: Math.max(0, Number(r.oldest ?? 0)) };
}

/** Open reviews per status and the age of the oldest (reviews_status_date_idx leads with status). */
export async function reviewBacklog(
  db: DB,
): Promise<{ status: string; count: number; oldestAgeSeconds: number }[]> {
  const rows = await db
    .selectFrom('reviews')
    .select([
      'status',
      sql<string>`count(*)`.as('count'),
      sql<string | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
    ])
    .where('status', 'in', ['pending', 'recheck_requested'])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({
    status: r.status,
    count: Number(r.count),
    oldestAgeSeconds: Math.max(0, Number(r.oldest ?? 0)),
  }));
}

/** Today's days in the company's time zone, summed over department_day_stats (one row per department). */
export async function dayProgress(
  db: DB,
  now = new Date(),
): Promise<{ expected: number; submitted: number; pending: number; missed: number; exempt: number }> {
  const { timeZone } = await getCurrentPolicyCached(db);
  const r = await db
    .selectFrom('department_day_stats')
    .select([
      sql<string>`coalesce(sum(expected), 0)`.as('expected'),
      sql<string>`coalesce(sum(submitted), 0)`.as('submitted'),
      sql<string>`coalesce(sum(pending), 0)`.as('pending'),
      sql<string>`coalesce(sum(missed), 0)`.as('missed'),
      sql<string>`coalesce(sum(exempt), 0)`.as('exempt'),
    ])
    .where('work_date', '=', workDateAt(now, timeZone))
    .executeTakeFirstOrThrow();
  return {
    expected: Number(r.expected),
    submitted: Number(r.submitted),
    pending: Number(r.pending),
    missed: Number(r.missed),
    exempt: Number(r.exempt),
  };
}
