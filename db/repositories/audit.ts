// The append-only audit log: inserts, filtered reads, and the retention job's batched purge.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import type { AuditOutcome } from '../database.ts';

export interface AuditEntry {
  actor: string;
  actorRoles: readonly string[];
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: AuditOutcome;
  status?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  detail?: Record<string, unknown> | null;
}

export async function insertAudit(db: DB, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: e.actor,
      actor_roles: [...e.actorRoles],
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      outcome: e.outcome,
      status: e.status ?? null,
      ip: e.ip ?? null,
      user_agent: e.userAgent?.slice(0, 500) ?? null,
      request_id: e.requestId ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

/** Deletes up to `limit` rows older than `before`; the trigger only lets this transaction through. */
export async function purgeAuditBefore(db: DB, before: Date, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`set local hc.audit_retention = 'on'`.execute(trx);
    const r = await sql<{ n: string }>`
      with doomed as (
        select id from audit_log where at < ${before} order by id limit ${limit}
      ), gone as (
        delete from audit_log a using doomed where a.id = doomed.id returning 1
      )
      select count(*)::text as n from gone`.execute(trx);
    return Number(r.rows[0]?.n ?? 0);
  });
}
