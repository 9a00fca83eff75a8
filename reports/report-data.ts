// How a report is laid out: its departments in tree order and its columns across form versions.
// The rows themselves (records in pages, non-submitters, anomalies) come from
// db/repositories/reports.ts; the per-department summary from the dashboard's department_day_stats,
// so a report and the dashboard show the same figures.
import type { FieldDefinition, LocalizedText } from '../domain/forms/form-definition.ts';
import type { DB } from '../db/connect.ts';
import { findFormDefinitionsNewestFirst } from '../db/repositories/forms.ts';
import { departmentsIn } from '../db/repositories/org.ts';
import { formVersionsInRange, type ReportFilter } from '../db/repositories/reports.ts';

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
  const rows = await departmentsIn(db, scope);
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
  const ids = await formVersionsInRange(db, f, scope);
  if (ids.length === 0) return [];
  const forms = await findFormDefinitionsNewestFirst(db, ids);
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
