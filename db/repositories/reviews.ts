// Reviews of abnormal records: one per first record of a day, following its rechecks. Comments (in
// the row and in its history) and the record's reasons are sealed (db/sealed-fields.ts).
import { sql, type Transaction } from 'kysely';
import type { Severity } from '../../domain/forms/form-definition.ts';
import type { DB } from '../connect.ts';
import type { Database, Review, ReviewHistoryEntry, ReviewStatus } from '../database.ts';
import type { FieldKeyring } from '../../security/field-crypto.ts';
import {
  keyringOf,
  openComment,
  openHistory,
  openReasons,
  sealComment,
  sealHistoryEntry,
  stripSealed,
} from '../sealed-fields.ts';

type Q = DB | Transaction<Database>;

/** A reviews row with its comment and history opened. */
export function openReview<R extends { comment_ct: string | null; history: ReviewHistoryEntry[] }>(
  row: R,
  k: FieldKeyring,
) {
  return {
    ...stripSealed(row, ['comment']),
    comment: openComment(row.comment_ct, k),
    history: openHistory(row.history, k),
  };
}

export async function findReview(db: Q, id: number): Promise<Review | undefined> {
  const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
  return row && openReview(row, keyringOf(db));
}

/** The review of a current record, if any: its id, status, escalation and severity. */
export function findReviewOfRecord(db: Q, currentRecordId: number) {
  return db
    .selectFrom('reviews')
    .select(['id', 'status', 'escalated', 'severity'])
    .where('current_record_id', '=', currentRecordId)
    .executeTakeFirst();
}

/** The id of the review opened by, or now reading, this record; null when none. */
export async function reviewIdOfRecord(db: Q, recordId: number): Promise<number | null> {
  const r = await db
    .selectFrom('reviews')
    .select('id')
    .where((eb) => eb.or([eb('record_id', '=', recordId), eb('current_record_id', '=', recordId)]))
    .executeTakeFirst();
  return r?.id ?? null;
}

/** The review opened by, or now following, this record, locked (an approved correction updates it). */
export function lockReviewOfRecord(trx: Transaction<Database>, recordId: number) {
  return trx
    .selectFrom('reviews')
    .select(['id', 'record_id', 'status', 'severity', 'current_record_id'])
    .where((eb) => eb.or([eb('record_id', '=', recordId), eb('current_record_id', '=', recordId)]))
    .forUpdate()
    .executeTakeFirst();
}

export function findReviewAwaitingRecheck(db: Q, currentRecordId: number) {
  return db
    .selectFrom('reviews')
    .select(['id', 'record_id'])
    .where('current_record_id', '=', currentRecordId)
    .where('status', '=', 'recheck_requested')
    .forUpdate()
    .executeTakeFirst();
}

/** A record just stored, as far as its review needs it. */
export type NewRecord = {
  id: number;
  employee_id: number;
  department_id: number;
  work_date: string;
  severity: Severity;
};

export const reviewRow = (r: NewRecord, keyId: string) => {
  const opened: ReviewHistoryEntry = {
    at: new Date().toISOString(),
    event: 'opened',
    recordId: r.id,
    severity: r.severity,
  };
  return {
    record_id: r.id,
    current_record_id: r.id,
    employee_id: r.employee_id,
    department_id: r.department_id,
    work_date: r.work_date,
    severity: r.severity,
    history: JSON.stringify([opened]),
    // Nothing sealed yet; later comments are sealed with the active key, and a rotation re-seals
    // every row whose key is not the active one.
    key_id: keyId,
  };
};

/** A new record that is not normal opens its review; returns the review's id (null when normal). */
export async function openReviewIfAbnormal(db: Q, record: NewRecord): Promise<number | null> {
  if (record.severity === 'normal') return null;
  const row = await db
    .insertInto('reviews')
    .values(reviewRow(record, keyringOf(db).activeKeyId))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Appends to the review's history and applies the given changes in one statement. */
export async function updateReview(
  db: Q,
  id: number,
  entry: ReviewHistoryEntry,
  changes: Partial<{
    status: ReviewStatus;
    escalated: boolean;
    severity: Severity;
    current_record_id: number;
    decider_id: number;
    decision: string;
    comment: string | null;
    decided_at: Date;
  }> = {},
) {
  const { comment, ...plain } = changes;
  await db
    .updateTable('reviews')
    .set({
      ...plain,
      ...(comment === undefined ? {} : { comment_ct: sealComment(comment, keyringOf(db)) }),
      history: sql`history || ${JSON.stringify([sealHistoryEntry(entry, keyringOf(db))])}::jsonb`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Reviews with the employee, department and the current record's reasons (sealed: see openReviewWithContext). */
export function reviewsWithContext(db: DB) {
  return db
    .selectFrom('reviews as r')
    .innerJoin('employees as e', 'e.id', 'r.employee_id')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .innerJoin('health_records as h', 'h.id', 'r.current_record_id')
    .select([
      'r.id',
      'r.record_id',
      'r.current_record_id',
      'r.employee_id',
      'e.name as employee_name',
      'r.department_id',
      'd.name as department_name',
      'r.work_date',
      'r.severity',
      'r.status',
      'r.escalated',
      'r.decider_id',
      'r.decision',
      'r.comment_ct',
      'r.decided_at',
      'r.created_at',
      'r.updated_at',
      'r.history',
      'h.reasons_ct',
    ]);
}

/** One review with its context and who to tell (employee's DingTalk id, department contacts); sealed. */
export function findReviewContext(db: DB, id: number) {
  return reviewsWithContext(db)
    .select(['e.dingtalk_user_id as employee_user_id', 'd.manager_id', 'd.hr_contact_id'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/** Locks a review for a decision; the row as stored (comment and history sealed). */
export function lockReview(trx: Transaction<Database>, id: number) {
  return trx.selectFrom('reviews').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Flags a review escalated (HR may decide too). */
export async function markReviewEscalated(db: DB, id: number): Promise<void> {
  await db.updateTable('reviews').set({ escalated: true }).where('id', '=', id).execute();
}

/** How many reviews of a day still wait, per department. */
export function openReviewCountsByDepartment(db: DB, workDate: string) {
  return db
    .selectFrom('reviews')
    .select(['department_id', sql<number>`count(*)::int`.as('n')])
    .where('work_date', '=', workDate)
    .where('status', 'in', ['pending', 'recheck_requested'])
    .groupBy('department_id')
    .execute();
}

export function openReviewWithContext<
  R extends { comment_ct: string | null; history: ReviewHistoryEntry[]; reasons_ct: string | null },
>(row: R, k: FieldKeyring) {
  return { ...openReview(row, k), reasons: openReasons(row.reasons_ct, k) };
}
