// Check-in policies: company-wide or per department, each version in force from a date on, so a
// change made today applies from tomorrow while today's running days keep their snapshot.
import { sql } from 'kysely';
import { checkinPolicySchema, defaultPolicy, type CheckinPolicy } from '../../domain/policy.ts';
import { readCache } from './read-cache.ts';
import type { DB } from '../connect.ts';
import type { CheckinPoliciesTable } from '../database.ts';
import type { Selectable } from 'kysely';

type Row = Selectable<CheckinPoliciesTable>;

const toPolicy = (row: Row): CheckinPolicy =>
  checkinPolicySchema.parse({
    timeZone: row.time_zone,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    reminderTimes: row.reminder_times,
    lateSubmissions: row.late_submissions,
    lateGraceMinutes: row.late_grace_minutes,
    dingPhoneCall: row.ding_phone_call,
    enabledLevels: row.enabled_levels,
  });

const toRow = (p: CheckinPolicy) => ({
  time_zone: p.timeZone,
  window_start: p.windowStart,
  window_end: p.windowEnd,
  reminder_times: [...p.reminderTimes],
  late_submissions: p.lateSubmissions,
  late_grace_minutes: p.lateGraceMinutes,
  ding_phone_call: p.dingPhoneCall,
  enabled_levels: [...p.enabledLevels],
});

async function ensureCompanyPolicy(db: DB): Promise<void> {
  await db
    .insertInto('checkin_policies')
    .values({ ...toRow(defaultPolicy), effective_from: '2000-01-01' })
    .onConflict((oc) => oc.expression(sql`coalesce(department_id, 0), effective_from`).doNothing())
    .execute();
}

/**
 * The policy for a work date: the department's own version in force that day if it has one,
 * else the company's. Without a date: the company's version in force today in its own zone.
 */
export async function getPolicy(
  db: DB,
  opts: { workDate?: string; departmentId?: number } = {},
): Promise<CheckinPolicy> {
  const rowFor = (departmentId: number | null) => {
    let q = db.selectFrom('checkin_policies').selectAll();
    q =
      departmentId === null
        ? q.where('department_id', 'is', null)
        : q.where('department_id', '=', departmentId);
    q = opts.workDate
      ? q.where('effective_from', '<=', opts.workDate)
      : q.where('effective_from', '<=', sql<string>`(now() at time zone time_zone)::date`);
    return q.orderBy('effective_from', 'desc').limit(1).executeTakeFirst();
  };
  const companyRow = async () => {
    const found = await rowFor(null);
    if (found) return found;
    // a new company: its policy is the default (written once, read from then on)
    await ensureCompanyPolicy(db);
    return rowFor(null);
  };
  const row =
    (opts.departmentId !== undefined ? await rowFor(opts.departmentId) : undefined) ?? (await companyRow());
  if (!row) throw new Error('no company policy');
  return toPolicy(row);
}

/** The company policy in force today. */
export const getCurrentPolicy = (db: DB) => getPolicy(db);

/**
 * How long a process may answer submissions with the company policy it read last: a change saved
 * through this process (savePolicy) is seen at once, one saved by another API instance (or a
 * version that comes into force at midnight) within this time.
 */
const POLICY_CACHE_MS = 5_000;
const policyCache = readCache(POLICY_CACHE_MS, (db) => getCurrentPolicy(db));

/** getCurrentPolicy for the hot path (the 09:00 rush asks it on every submission). */
export const getCurrentPolicyCached = (db: DB): Promise<CheckinPolicy> => policyCache.get(db);

export async function savePolicy(
  db: DB,
  policy: CheckinPolicy,
  departmentId: number | null,
  effectiveFrom: string,
) {
  policyCache.forget(db);
  await ensureCompanyPolicy(db);
  const values = { ...toRow(policy), department_id: departmentId, effective_from: effectiveFrom };
  return db
    .insertInto('checkin_policies')
    .values(values)
    .onConflict((oc) =>
      oc
        .expression(sql`coalesce(department_id, 0), effective_from`)
        .doUpdateSet({ ...toRow(policy), updated_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Versions of a scope (company when departmentId is null), newest first. */
export function listPolicyVersions(db: DB, departmentId: number | null) {
  let q = db.selectFrom('checkin_policies').selectAll();
  q =
    departmentId === null
      ? q.where('department_id', 'is', null)
      : q.where('department_id', '=', departmentId);
  return q
    .orderBy('effective_from', 'desc')
    .execute()
    .then((rows) => rows.map((r) => ({ effectiveFrom: r.effective_from, policy: toPolicy(r) })));
}
