// Reviews of abnormal records: one per first record of a day, following its rechecks.
import { sql, type Transaction } from 'kysely';
import type { Severity } from '../../domain/forms/form-definition.ts';
import type { DB } from '../connect.ts';
import type { Database, ReviewHistoryEntry, ReviewStatus } from '../database.ts';

type Q = DB | Transaction<Database>;

export function findReview(db: Q, id: number) {
  return db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findReviewAwaitingRecheck(db: Q, currentRecordId: number) {
  return db
    .selectFrom('reviews')
    .selectAll()
    .where('current_record_id', '=', currentRecordId)
    .where('status', '=', 'recheck_requested')
    .forUpdate()
    .executeTakeFirst();
}

export function insertReview(
  db: Q,
  r: { recordId: number; employeeId: number; departmentId: number; workDate: string; severity: Severity },
) {
  const opened: ReviewHistoryEntry = {
    at: new Date().toISOString(),
    event: 'opened',
    recordId: r.recordId,
    severity: r.severity,
  };
  return db
    .insertInto('reviews')
    .values({
      record_id: r.recordId,
      current_record_id: r.recordId,
      employee_id: r.employeeId,
      department_id: r.departmentId,
      work_date: r.workDate,
      severity: r.severity,
      history: JSON.stringify([opened]),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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
  return db
    .updateTable('reviews')
    .set({
      ...changes,
      history: sql`history || ${JSON.stringify([entry])}::jsonb`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Reviews with the employee, department and the current record's reasons. */
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
      'r.comment',
      'r.decided_at',
      'r.created_at',
      'r.history',
      'h.reasons',
    ]);
}

export function listReviews(
  db: DB,
  f: {
    status?: ReviewStatus;
    departmentId?: number;
    scope: 'all' | readonly number[];
    limit: number;
    offset: number;
  },
) {
  let q = reviewsWithContext(db);
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.departmentId) q = q.where('r.department_id', '=', f.departmentId);
  if (f.scope !== 'all') q = q.where('r.department_id', 'in', f.scope.length ? [...f.scope] : [-1]);
  return q.orderBy('r.id', 'desc').limit(f.limit).offset(f.offset).execute();
}
