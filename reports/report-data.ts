// What a report contains, read from Postgres in pages: records in a date range for departments and
// their sub-departments, and who did not submit (the per-department summary comes from the
// dashboard's department_day_stats, so a report and the dashboard show the same figures).
import { sql } from 'kysely';
import type { FieldDefinition, LocalizedText, Severity } from '../domain/forms/form-definition.ts';
import type { ReviewStatus } from '../domain/review-status.ts';
import { dayHasNoCurrentRecord } from '../db/repositories/records.ts';
import { idsOrNone } from '../db/department-scope.ts';
import type { DB } from '../db/connect.ts';
import { keyringOf, openReasons, openAnswers } from '../db/sealed-fields.ts';
import { skippedLevels } from '../db/repositories/skipped-levels.ts';

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

export interface TreeDepartment {
  id: number;
  name: string;
  /** 0 for a department whose parent is outside the scope */
  depth: number;
}

const byName = new Intl.Collator('zh-Hans-CN', { numeric: true }).compare;

/**
 * The scope's departments in tree order: each parent followed by its sub-departments, siblings by
 * name in Chinese collation (a sub-group stays under its parent, not where its name sorts).
 */
export async function departmentTree(db: DB, scope: number[]): Promise<TreeDepartment[]> {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'name', 'parent_id'])
    .where('id', 'in', idsOrNone(scope))
    .execute();
  const inScope = new Set(rows.map((r) => r.id));
  const children = new Map<number | null, typeof rows>();
  for (const r of rows) {
    const parent = r.parent_id !== null && inScope.has(r.parent_id) ? r.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const out: TreeDepartment[] = [];
  const seen = new Set<number>();
  const visit = (kids: typeof rows, depth: number) => {
    for (const k of kids.sort((a, b) => byName(a.name, b.name) || a.id - b.id)) {
      if (seen.has(k.id)) continue;
      seen.add(k.id);
      out.push({ id: k.id, name: k.name, depth });
      visit(children.get(k.id) ?? [], depth + 1);
    }
  };
  visit(children.get(null) ?? [], 0);
  // (a parent loop has no root: still listed rather than lost)
  visit(
    rows.filter((r) => !seen.has(r.id)),
    0,
  );
  return out;
}

export interface ReportColumn {
  key: string;
  label: LocalizedText;
  type: FieldDefinition['type'];
  /** option value → label, across form versions (the newest label wins) */
  options: Map<string, LocalizedText>;
}

/** Every form field used by the records in range, across versions: newest version's order first. */
export async function reportColumns(db: DB, f: ReportFilter, scope: number[]): Promise<ReportColumn[]> {
  const versions = await db
    .selectFrom('health_records')
    .select('form_version')
    .distinct()
    .where('work_date', '>=', f.from)
    .where('work_date', '<=', f.to)
    .where('department_id', 'in', idsOrNone(scope))
    .execute();
  const ids = versions.map((v) => v.form_version).filter((v): v is number => v !== null);
  if (ids.length === 0) return [];
  const forms = await db
    .selectFrom('forms')
    .select(['version', 'definition'])
    .where('version', 'in', ids)
    .orderBy('version', 'desc')
    .execute();
  const seen = new Map<string, ReportColumn>();
  for (const form of forms) {
    for (const field of form.definition.fields) {
      let column = seen.get(field.key);
      if (!column) {
        column = { key: field.key, label: field.label, type: field.type, options: new Map() };
        seen.set(field.key, column);
      }
      for (const o of field.options ?? [])
        if (!column.options.has(o.value)) column.options.set(o.value, o.label);
    }
  }
  return [...seen.values()];
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
