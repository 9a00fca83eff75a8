// The append-only audit log: inserts, filtered reads, and the retention job's batched purge.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { FieldKeyring } from '../../security/field-crypto.ts';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { AuditOutcome, Database } from '../database.ts';

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

/** Free text a person typed into an audited action (a proxy's reason names an illness): sealed. */
export const AUDIT_TEXT_AAD = 'audit_log.detail';

export const sealAuditText = (text: string, k: FieldKeyring) => k.encryptJson(text, AUDIT_TEXT_AAD);

export const openAuditText = (ct: string, k: FieldKeyring) => k.decryptJson<string>(ct, AUDIT_TEXT_AAD);

/** A row for the audit screen: a sealed reason opened for the reader (who may read the row). */
export function openAuditRow<R extends { detail: Record<string, unknown> | null }>(
  row: R,
  k: FieldKeyring,
): R {
  const sealed = row.detail?.reasonSealed;
  if (typeof sealed !== 'string') return row;
  const rest = { ...row.detail };
  delete rest.reasonSealed;
  let reason: string;
  try {
    reason = openAuditText(sealed, k);
  } catch {
    reason = '(sealed with a retired key)';
  }
  return { ...row, detail: { ...rest, reason } };
}

// eslint-disable-next-line no-control-regex -- Postgres refuses U+0000 in text and in jsonb
const NUL = /\u0000/g;

/**
 * The row never fails on what a caller sent: the edge refuses NUL, but an audit row must be written
 * whatever reached it (a header, a path), so it is stripped here as well.
 */
const clean = (v: string | null | undefined) => (v == null ? null : v.replace(NUL, '\uFFFD'));

/** Which department a target belongs to, looked up in the same statement (ids are text in the log). */
const departmentOf = (targetType: string | null, targetId: string | null) => {
  if (!targetType || !targetId || !/^[0-9]{1,9}$/.test(targetId)) return sql<number | null>`null`;
  const id = Number(targetId);
  switch (targetType) {
    case 'employee':
      return sql<number | null>`(select department_id from employees where id = ${id})`;
    case 'health_record':
    case 'records':
      return sql<number | null>`(select department_id from health_records where id = ${id})`;
    case 'review':
    case 'reviews':
      return sql<number | null>`(select department_id from reviews where id = ${id})`;
    default:
      return sql<number | null>`null`;
  }
};

export async function insertAudit(
  db: Kysely<Database> | Transaction<Database>,
  e: AuditEntry,
): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(e)).execute();
}

/** The row for an entry (also written inside the group commit's statement). */
export function auditRow(e: AuditEntry) {
  const targetType = clean(e.targetType);
  const targetId = clean(e.targetId);
  return {
    actor: clean(e.actor) ?? '',
    actor_roles: [...e.actorRoles],
    action: clean(e.action) ?? '',
    target_type: targetType,
    target_id: targetId,
    outcome: e.outcome,
    status: e.status ?? null,
    ip: clean(e.ip),
    user_agent: clean(e.userAgent?.slice(0, 500)),
    request_id: clean(e.requestId),
    detail: e.detail
      ? JSON.stringify(e.detail, (_k, v: unknown) => (typeof v === 'string' ? clean(v) : v))
      : null,
    department_id: departmentOf(targetType, targetId),
  };
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

/** The audit log limited to a scope (the admin list; sealed). */
export function auditListQuery(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('audit_log as a')
    .selectAll('a')
    .$if(scope !== 'all', (q) => q.where('a.department_id', 'in', idsOrNone(scope as readonly number[])));
}
