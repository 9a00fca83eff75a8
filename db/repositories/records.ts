// Health records: one per employee per work date, found by day or by idempotency key. Answers and
// reasons are sealed on the way in and opened on the way out (db/sealed-fields.ts).
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { AnomalyReason } from '../../domain/anomaly/evaluate.ts';
import type { DB } from '../connect.ts';
import { daysWithOutcome } from './checkin-days.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { Database, HealthRecord, HealthRecordsTable } from '../database.ts';
import type { FieldKeyring } from '../../security/field-crypto.ts';
import { keyringOf, openAnswers, openReasons, sealRecordFields, stripSealed } from '../sealed-fields.ts';

type Q = DB | Transaction<Database>;

/** A row with sealed answers and reasons → the same row with them opened. */
export function openRecord<R extends { answers_ct: string | null; reasons_ct: string | null }>(
  row: R,
  k: FieldKeyring,
) {
  return {
    ...stripSealed(row, ['answers', 'reasons']),
    answers: openAnswers(row.answers_ct, k),
    reasons: openReasons(row.reasons_ct, k),
  };
}

export type RecordInsert = Omit<Insertable<HealthRecordsTable>, 'answers_ct' | 'reasons_ct' | 'key_id'> & {
  answers: Record<string, unknown>;
  reasons: AnomalyReason[];
};

/** The row as stored: answers and reasons sealed under the active key. */
export const sealedRecordRow = ({ answers, reasons, ...plain }: RecordInsert, k: FieldKeyring) => ({
  ...plain,
  ...sealRecordFields({ answers, reasons }, k),
});

export async function insertRecord(db: Q, values: RecordInsert): Promise<HealthRecord> {
  const row = await db
    .insertInto('health_records')
    .values(sealedRecordRow(values, keyringOf(db)))
    .returningAll()
    .executeTakeFirstOrThrow();
  return openRecord(row, keyringOf(db));
}

export async function findRecordById(db: Q, id: number): Promise<HealthRecord | undefined> {
  const row = await db.selectFrom('health_records').selectAll().where('id', '=', id).executeTakeFirst();
  return row && openRecord(row, keyringOf(db));
}

/** The day's current record (a recheck replaces the earlier one as current). */
export async function findRecordForDay(
  db: Q,
  employeeId: number,
  workDate: string,
): Promise<HealthRecord | undefined> {
  const row = await db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('is_current', '=', true)
    .executeTakeFirst();
  return row && openRecord(row, keyringOf(db));
}

/** Whether the day has a record (the reminder ladder's question; nothing is opened). */
/** The current record of a day, locked for update (a recheck may replace it). */
export function lockCurrentRecord(trx: Transaction<Database>, employeeId: number, workDate: string) {
  return trx
    .selectFrom('health_records')
    .select(['id', 'status', 'submitted_at'])
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('is_current', '=', true)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks a record no longer current (a recheck replaced it). */
export async function retireRecord(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.updateTable('health_records').set({ is_current: false }).where('id', '=', id).execute();
}

/** A day's records from the first one reviewed onwards, in order, opened. */
export async function recordsOfDaySince(db: DB, employeeId: number, workDate: string, firstRecordId: number) {
  const rows = await db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('id', '>=', firstRecordId)
    .orderBy('id')
    .execute();
  return rows.map((row) => openRecord(row, keyringOf(db)));
}

export async function hasRecordForDay(db: Q, employeeId: number, workDate: string): Promise<boolean> {
  const row = await db
    .selectFrom('health_records')
    .select('id')
    .where('employee_id', '=', employeeId)
    .where('work_date', '=', workDate)
    .where('is_current', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findRecordByIdempotencyKey(
  db: Q,
  employeeId: number,
  key: string,
): Promise<HealthRecord | undefined> {
  const row = await db
    .selectFrom('health_records')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row && openRecord(row, keyringOf(db));
}

/**
 * What a submission needs to know before it writes, in one read: the record stored under this
 * idempotency key (any day), whether the work date has a current record, the current records of
 * the `days` calendar days before it (history rules), and the day's window as the fan-out planned
 * it (undefined when the day has no row). One round trip instead of two: under the morning rush
 * every statement costs a context switch to Postgres and back (bench/RESULTS.md).
 */
export async function submissionContext(
  db: DB,
  employeeId: number,
  key: string,
  workDate: string,
  days: number,
) {
  type Row = { [K in keyof Selectable<HealthRecordsTable>]: Selectable<HealthRecordsTable>[K] | null } & {
    day_closes_at: Date | null;
    day_late_until: Date | null;
  };
  // one row at least (the day's, or nulls), joined to each record that matters
  const { rows } = await sql<Row>`
    select d.closes_at as day_closes_at, d.late_until as day_late_until, h.*
    from (select 1) as one
    left join checkin_days d on d.employee_id = ${employeeId} and d.work_date = ${workDate}::date
    left join health_records h on h.employee_id = ${employeeId}
      and (h.idempotency_key = ${key}
           or (h.is_current and h.work_date <= ${workDate}::date
               and h.work_date >= ${workDate}::date - ${days}::int))
    order by h.work_date desc`.execute(db);
  const first = rows[0];
  const day =
    first?.day_closes_at && first.day_late_until
      ? { closes_at: first.day_closes_at, late_until: first.day_late_until }
      : undefined;
  const records = rows
    .filter((r) => r.id !== null)
    .map(({ day_closes_at: _c, day_late_until: _l, ...r }) => r as Selectable<HealthRecordsTable>);
  const byKey = records.find((r) => r.idempotency_key === key);
  const keyring = keyringOf(db);
  return {
    byKey: byKey && openRecord(byKey, keyring),
    currentToday: records.some((r) => r.is_current && r.work_date === workDate),
    history: records
      .filter((r) => r.is_current && r.work_date < workDate)
      .map((r) => ({
        work_date: r.work_date,
        severity: r.severity,
        answers: openAnswers(r.answers_ct, keyring),
      })),
    day,
  };
}

/**
 * The employee's current records of the `days` calendar days before `workDate` (what the history
 * rules look at when a record of that day is assessed again, e.g. after a correction).
 */
export async function recordHistoryBefore(db: Q, employeeId: number, workDate: string, days: number) {
  const rows = await db
    .selectFrom('health_records')
    .select(['work_date', 'severity', 'answers_ct'])
    .where('employee_id', '=', employeeId)
    .where('is_current', '=', true)
    .where('work_date', '<', workDate)
    .where('work_date', '>=', sql<string>`${workDate}::date - ${days}::int`)
    .execute();
  const k = keyringOf(db);
  return rows.map((r) => ({
    workDate: r.work_date,
    severity: r.severity,
    answers: openAnswers(r.answers_ct, k),
  }));
}

/** Which of these employees have a record for the day (the escalation's source of truth). */
export async function submittedAmong(db: DB, workDate: string, employeeIds: number[]): Promise<Set<number>> {
  if (employeeIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('health_records')
    .select('employee_id')
    .where('work_date', '=', workDate)
    .where('employee_id', 'in', employeeIds)
    .execute();
  return new Set(rows.map((r) => r.employee_id));
}

/** Which of these employees are exempt that day: on leave or a trip, or their day marked exempt. */
export async function exemptAmong(db: DB, workDate: string, employeeIds: number[]): Promise<Set<number>> {
  if (employeeIds.length === 0) return new Set();
  const onLeave = await db
    .selectFrom('leaves')
    .select('employee_id')
    .where('from_date', '<=', workDate)
    .where('to_date', '>=', workDate)
    .where('employee_id', 'in', employeeIds)
    .execute();
  const marked = await daysWithOutcome(db, workDate, 'exempt', employeeIds);
  return new Set([...onLeave.map((r) => r.employee_id), ...marked]);
}

/** The employee's latest current record before `workDate` (where the page's prefill comes from). */
export async function lastRecordBefore(db: DB, employeeId: number, workDate: string) {
  const row = await db
    .selectFrom('health_records')
    .select(['work_date', 'answers_ct'])
    .where('employee_id', '=', employeeId)
    .where('is_current', '=', true)
    .where('work_date', '<', workDate)
    .orderBy('work_date', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { work_date: row.work_date, answers: openAnswers(row.answers_ct, keyringOf(db)) };
}

/**
 * The check-in day aliased `c` has no current record yet (the non-submitter test shared by the
 * dashboard's live list and the reports).
 */
export const dayHasNoCurrentRecord = sql<boolean>`not exists (
  select 1 from health_records h
  where h.employee_id = c.employee_id and h.work_date = c.work_date and h.is_current)`;

/** Health records with employee, department and proxy names, limited to a scope (the admin list; sealed). */
export function recordsListQuery(db: DB, scope: DepartmentScope) {
  return (
    db
      .selectFrom('health_records as h')
      .innerJoin('employees as e', 'e.id', 'h.employee_id')
      .innerJoin('departments as d', 'd.id', 'h.department_id')
      // 代填: who filled the record in for the employee, if anyone
      .leftJoin('employees as p', 'p.id', 'h.proxy_by_employee_id')
      .select([
        'h.id',
        'h.employee_id',
        'e.name as employee_name',
        'h.department_id',
        'd.name as department_name',
        'h.work_date',
        'h.submitted_at',
        'h.status',
        'h.severity',
        'h.reasons_ct',
        'h.form_version',
        'h.is_current',
        'h.answers_ct',
        'h.proxy_by_employee_id',
        'p.name as proxy_name',
      ])
      .$if(scope !== 'all', (q) => q.where('h.department_id', 'in', idsOrNone(scope as readonly number[])))
  );
}
