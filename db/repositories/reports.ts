// The reports' queries: records in a date range for departments and their sub-departments, who did
// not submit, anomalies (reports/report-data.ts builds the report from them).
import { sql } from 'kysely';
import type { Severity } from '../../domain/forms/form-definition.ts';
import type { ReviewStatus } from '../../domain/review-status.ts';
import type { DB } from '../connect.ts';
import { idsOrNone } from '../department-scope.ts';
import { keyringOf, openAnswers, openReasons } from '../sealed-fields.ts';
import { dayHasNoCurrentRecord } from './records.ts';
import { skippedLevels } from './skipped-levels.ts';

export interface ReportFilter {
  from: string;
  to: string;
  /** departments to include with their sub-departments; empty = the whole company */
  departmentIds: number[];
}

/** The departments a filter covers (each listed one and everything below it). */
export async function departmentScope(db: DB, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return (await db.selectFrom('departments').select('id').execute()).map((d) => d.id);
  const rows = await sql<{ id: number }>`
    with recursive tree(id) as (
      select id from departments where id in (${sql.join(ids)})
      union
      select d.id from departments d join tree t on d.parent_id = t.id
    ) select id from tree`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** The distinct form versions of the records in range (a version may be null: none). */
export async function formVersionsInRange(db: DB, f: ReportFilter, scope: number[]): Promise<number[]> {
  const versions = await db
    .selectFrom('health_records')
    .select('form_version')
    .distinct()
    .where('work_date', '>=', f.from)
    .where('work_date', '<=', f.to)
    .where('department_id', 'in', idsOrNone(scope))
    .execute();
  return versions.map((v) => v.form_version).filter((v): v is number => v !== null);
}

export interface ReportRecord {
  id: number;
  work_date: string;
  submitted_at: Date;
  employee_name: string;
  department_name: string;
  answers: Record<string, unknown>;
  severity: Severity;
  status: 'on_time' | 'late';
  form_version: number | null;
  review_status: ReviewStatus | null;
  /** who filled the record in for the employee (代填), if anyone */
  proxy_name: string | null;
}

/** Current records in range, `pageSize` at a time (keyset by id, so memory stays flat). */
export async function* reportRecords(
  db: DB,
  f: ReportFilter,
  scope: number[],
  pageSize = 2000,
): AsyncGenerator<ReportRecord[]> {
  let afterId = 0;
  for (;;) {
    const page = await db
      .selectFrom('health_records as h')
      .innerJoin('employees as e', 'e.id', 'h.employee_id')
      .innerJoin('departments as d', 'd.id', 'h.department_id')
      .leftJoin('reviews as r', 'r.current_record_id', 'h.id')
      .leftJoin('employees as p', 'p.id', 'h.proxy_by_employee_id')
      .select([
        'h.id',
        'h.work_date',
        'h.submitted_at',
        'e.name as employee_name',
        'd.name as department_name',
        'h.answers_ct',
        'h.severity',
        'h.status',
        'h.form_version',
        'r.status as review_status',
        'p.name as proxy_name',
      ])
      .where('h.is_current', '=', true)
      .where('h.work_date', '>=', f.from)
      .where('h.work_date', '<=', f.to)
      .where('h.department_id', 'in', idsOrNone(scope))
      .where('h.id', '>', afterId)
      .orderBy('h.id')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return;
    // Opened page by page as it streams: plaintext answers never pile up in memory.
    yield page.map(({ answers_ct, ...r }) => ({ ...r, answers: openAnswers(answers_ct, keyringOf(db)) }));
    afterId = (page[page.length - 1] as { id: number }).id;
  }
}

/** Expected people with no record, per day. */
export function nonSubmitters(db: DB, f: ReportFilter, scope: number[]) {
  return db
    .selectFrom('checkin_days as c')
    .innerJoin('employees as e', 'e.id', 'c.employee_id')
    .innerJoin('departments as d', 'd.id', 'c.department_id')
    .select([
      'c.work_date',
      'e.id as employee_id',
      'e.name as employee_name',
      'd.id as department_id',
      'd.name as department_name',
      'c.level_reached',
      skippedLevels(),
    ])
    .where('c.work_date', '>=', f.from)
    .where('c.work_date', '<=', f.to)
    .where('c.outcome', 'in', ['pending', 'missed'])
    .where('c.department_id', 'in', idsOrNone(scope))
    .where(dayHasNoCurrentRecord)
    .orderBy('c.work_date')
    .orderBy('d.name')
    .orderBy('e.name')
    .execute();
}

/** Days of people who withdrew consent to the privacy notice: not asked, so not missed. */
export function consentWithdrawnDays(db: DB, f: ReportFilter, scope: number[]) {
  return db
    .selectFrom('checkin_days as c')
    .innerJoin('employees as e', 'e.id', 'c.employee_id')
    .innerJoin('departments as d', 'd.id', 'c.department_id')
    .select(['c.work_date', 'e.name as employee_name', 'd.name as department_name'])
    .where('c.work_date', '>=', f.from)
    .where('c.work_date', '<=', f.to)
    .where('c.outcome', '=', 'exempt')
    .where('c.exempt_reason', '=', 'consent_withdrawn')
    .where('c.department_id', 'in', idsOrNone(scope))
    .orderBy('c.work_date')
    .orderBy('d.name')
    .orderBy('e.name')
    .execute();
}

/** Warning and red records with their reasons, oldest first (for the PDF's anomaly list). */
export async function anomalies(db: DB, f: ReportFilter, scope: number[], limit = 5000) {
  const rows = await db
    .selectFrom('health_records as h')
    .innerJoin('employees as e', 'e.id', 'h.employee_id')
    .innerJoin('departments as d', 'd.id', 'h.department_id')
    .select([
      'h.work_date',
      'e.name as employee_name',
      'd.name as department_name',
      'h.severity',
      'h.reasons_ct',
    ])
    .where('h.is_current', '=', true)
    .where('h.severity', '<>', 'normal')
    .where('h.work_date', '>=', f.from)
    .where('h.work_date', '<=', f.to)
    .where('h.department_id', 'in', idsOrNone(scope))
    .orderBy('h.work_date')
    .orderBy('h.id')
    .limit(limit)
    .execute();
  return rows.map(({ reasons_ct, ...r }) => ({ ...r, reasons: openReasons(reasons_ct, keyringOf(db)) }));
}

/** How many records an export of this filter holds (decides between streaming and a workflow). */
export async function countRecords(db: DB, f: ReportFilter, scope: number[]): Promise<number> {
  const r = await db
    .selectFrom('health_records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('is_current', '=', true)
    .where('work_date', '>=', f.from)
    .where('work_date', '<=', f.to)
    .where('department_id', 'in', idsOrNone(scope))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
