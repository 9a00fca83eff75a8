// Everything held about one employee, for their own "我的数据" page and download: every query here
// filters by that employee's id (or by rows that belong to them), so nobody else's data is read.
// Other people appear only as a role and department (the reader of their answers), by name only
// where the company's notice allows it.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import { keyringOf, openComment } from '../sealed-fields.ts';
import { openRecord } from './records.ts';

/** Actions that disclose someone's health answers to the reader (see the routes' auditRead). */
export const HEALTH_READS = [
  'records.read',
  'records.list',
  'reviews.read',
  'reviews.list',
  'attachments.read',
] as const;

export async function myRecords(db: DB, employeeId: number) {
  const rows = await db
    .selectFrom('health_records')
    .select([
      'id',
      'work_date',
      'submitted_at',
      'client_submitted_at',
      'status',
      'severity',
      'form_version',
      'is_current',
      'recheck_of',
      'identity_check',
      'answers_ct',
      'reasons_ct',
      sql<boolean>`proxy_by_employee_id is not null`.as('filled_in_by_manager'),
    ])
    .where('employee_id', '=', employeeId)
    .orderBy('work_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const k = keyringOf(db);
  return rows.map((r) => openRecord(r, k));
}

export async function myReviews(db: DB, employeeId: number) {
  const rows = await db
    .selectFrom('reviews')
    .select([
      'id',
      'record_id',
      'current_record_id',
      'work_date',
      'severity',
      'status',
      'escalated',
      'decision',
      'decided_at',
      'comment_ct',
      'created_at',
      'history',
    ])
    .where('employee_id', '=', employeeId)
    .orderBy('work_date', 'desc')
    .execute();
  const k = keyringOf(db);
  return rows.map(({ comment_ct, history, ...r }) => ({
    ...r,
    comment: openComment(comment_ct, k),
    // the events of their review, without who else was told (other people's ids)
    history: history.map((h) => ({ at: h.at, event: h.event, decision: h.decision, severity: h.severity })),
  }));
}

export async function myOtherData(db: DB, employeeId: number) {
  const [days, reminders, leaves, attachments, ownActions] = await Promise.all([
    db
      .selectFrom('checkin_days')
      .select(['work_date', 'outcome', 'level_reached', 'exempt_reason', 'opens_at', 'closes_at'])
      .where('employee_id', '=', employeeId)
      .orderBy('work_date', 'desc')
      .execute(),
    db
      .selectFrom('reminders_sent')
      .select(['work_date', 'level', 'channel', 'status', 'sent_at', 'delivery'])
      .where('employee_id', '=', employeeId)
      .orderBy('work_date', 'desc')
      .orderBy('level')
      .execute(),
    db
      .selectFrom('leaves')
      .select(['kind', 'from_date', 'to_date', 'note', 'source', 'created_at'])
      .where('employee_id', '=', employeeId)
      .orderBy('from_date', 'desc')
      .execute(),
    db
      .selectFrom('attachments')
      .select(['id', 'record_id', 'content_type', 'size_bytes', 'created_at'])
      .where('employee_id', '=', employeeId)
      .orderBy('created_at', 'desc')
      .execute(),
    db
      .selectFrom('audit_log')
      .select(['at', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent'])
      .where('actor', '=', `employee:${employeeId}`)
      .orderBy('at', 'desc')
      .limit(1000)
      .execute(),
  ]);
  return { days, reminders, leaves, attachments, ownActions };
}

/**
 * Who read this person's health answers: audit rows of health reads by someone else whose subjects
 * name them (list and single reads since 0014), or whose target is one of their records, reviews or
 * their own day history (rows written before subjects were noted).
 */
export async function accessHistory(db: DB, employeeId: number, limit = 500) {
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('employees as r', (j) =>
      j.on(sql<boolean>`a.actor like 'employee:%' and r.id = nullif(substring(a.actor from 10), '')::bigint`),
    )
    .leftJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      'a.id',
      'a.at',
      'a.action',
      'a.actor',
      'a.actor_roles',
      'r.name as reader_name',
      'd.name as reader_department',
    ])
    .where('a.outcome', '=', 'success')
    .where('a.action', 'in', [...HEALTH_READS])
    .where('a.actor', '<>', `employee:${employeeId}`)
    .where((eb) =>
      eb.or([
        sql<boolean>`a.detail -> 'subjects' @> ${JSON.stringify([employeeId])}::jsonb`,
        eb.and([
          eb('a.target_type', 'in', ['records', 'health_record']),
          eb(
            'a.target_id',
            'in',
            eb
              .selectFrom('health_records')
              .select(sql<string>`id::text`.as('id'))
              .where('employee_id', '=', employeeId),
          ),
        ]),
        eb.and([
          eb('a.target_type', '=', 'reviews'),
          eb(
            'a.target_id',
            'in',
            eb
              .selectFrom('reviews')
              .select(sql<string>`id::text`.as('id'))
              .where('employee_id', '=', employeeId),
          ),
        ]),
        eb.and([eb('a.target_type', '=', 'employees'), eb('a.target_id', '=', String(employeeId))]),
      ]),
    )
    .orderBy('a.at', 'desc')
    .limit(limit)
    .execute();
  return rows;
}
