// Department import from CSV: every row is checked (on its own, against the database and against
// the rest of the file) before anything is written; then, in one transaction, departments are
// created or updated — by DingTalk department id when the row has one, else by name — and parents
// set once every department exists (a parent may be a row further down). A dry run answers the same
// counts and errors without writing.
import { parentCycle } from '../../domain/org/org-rules.ts';
import type { DB } from '../../db/connect.ts';
import { lockOrgChart } from '../../db/repositories/org-chart.ts';
import {
  insertDepartments,
  listDepartmentsForImport,
  updateDepartment,
  type DepartmentWrite,
  type StoredDepartment,
} from '../../db/repositories/department-import.ts';
import { findEmployeesByUserIds } from '../../db/repositories/org.ts';
import { invalidFile, issue, type ImportIssue, type ImportResult } from '../csv-import/csv-table.ts';
import { readDepartmentCsv, readDepartmentRow, type Column } from './department-csv.ts';

/** A department after the import: `d<id>` for a stored one, `n<line>` for one the file creates. */
type Node = string;
const storedNode = (id: number): Node => `d${id}`;

interface Row {
  line: number;
  node: Node;
  target: StoredDepartment | undefined;
  write: DepartmentWrite;
  /** the parent as written (undefined: keep the stored one; null: none) */
  parentRef: string | null | undefined;
  parent: Node | null;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => m.set(k, [...(m.get(k) ?? []), v]);

export async function importDepartments(
  db: DB,
  csv: string,
  opts: { dryRun: boolean },
): Promise<ImportResult> {
  const { dryRun } = opts;
  const file = readDepartmentCsv(csv);
  const issues: ImportIssue[] = [];

  return db.transaction().execute(async (trx) => {
    await lockOrgChart(trx);
    const stored = await listDepartmentsForImport(trx);
    const storedById = new Map(stored.map((d) => [d.id, d]));
    const storedByDingtalk = new Map(stored.map((d) => [d.dingtalk_dept_id, d]));
    const storedByName = new Map<string, StoredDepartment[]>();
    for (const d of stored) push(storedByName, d.name, d);
    const userIds = file.records.flatMap((r) =>
      [file.cell(r, 'manager_user_id'), file.cell(r, 'hr_user_id')].filter((u): u is string => !!u),
    );
    const people = new Map(
      (await findEmployeesByUserIds(trx, [...new Set(userIds)])).map((e) => [e.dingtalk_user_id, e.id]),
    );

    const rows: Row[] = [];
    const lineOfKey = new Map<string, number>();
    const lineOfTarget = new Map<number, number>();
    for (const r of file.records) {
      const c = readDepartmentRow(file, r, issues);
      if (!c) continue;
      const bad = (col: Column, code: string, zh: string, en: string) =>
        issues.push(issue(r.line, col, code, zh, en));
      const keyColumn: Column = c.dingtalkDeptId ? 'dingtalk_dept_id' : 'name';
      const key = c.dingtalkDeptId ? `id:${c.dingtalkDeptId}` : `name:${c.name}`;
      const firstLine = lineOfKey.get(key);
      if (firstLine !== undefined) {
        bad(keyColumn, 'duplicate', `与第 ${firstLine} 行重复`, `the same department as line ${firstLine}`);
        continue;
      }
      lineOfKey.set(key, r.line);

      // The row's department: by DingTalk id (or the one unlinked department of that name), else by name.
      const named = storedByName.get(c.name) ?? [];
      const candidates = c.dingtalkDeptId
        ? storedByDingtalk.has(c.dingtalkDeptId)
          ? [storedByDingtalk.get(c.dingtalkDeptId) as StoredDepartment]
          : named.filter((d) => d.dingtalk_dept_id === null)
        : named;
      if (candidates.length > 1) {
        bad(
          keyColumn,
          'ambiguous',
          `有 ${candidates.length} 个部门叫“${c.name}”，请填写钉钉部门 ID`,
          `${candidates.length} departments are called "${c.name}": give dingtalk_dept_id`,
        );
        continue;
      }
      const target = candidates[0];
      if (target) {
        const other = lineOfTarget.get(target.id);
        if (other !== undefined) {
          bad(keyColumn, 'duplicate', `与第 ${other} 行是同一个部门`, `the same department as line ${other}`);
          continue;
        }
        lineOfTarget.set(target.id, r.line);
      }

      // Manager and HR contact: stored employees by DingTalk user id.
      const person = (col: Column, userId: string | null | undefined, stored: number | null | undefined) => {
        if (userId === undefined) return stored ?? null;
        if (userId === null) return null;
        const id = people.get(userId);
        if (id === undefined)
          bad(
            col,
            'unknown_employee',
            `没有钉钉用户“${userId}”`,
            `no employee with DingTalk user id "${userId}"`,
          );
        return id ?? null;
      };
      // A column the file does not have keeps what is stored; an empty cell clears it.
      const keep = <T>(value: T | undefined, stored: T | undefined): T | null =>
        value === undefined ? (stored ?? null) : value;
      rows.push({
        line: r.line,
        node: target ? storedNode(target.id) : `n${r.line}`,
        target,
        write: {
          name: c.name,
          dingtalk_dept_id: keep(c.dingtalkDeptId, target?.dingtalk_dept_id),
          manager_id: person('manager_user_id', c.managerUserId, target?.manager_id),
          hr_contact_id: person('hr_user_id', c.hrUserId, target?.hr_contact_id),
          time_zone: keep(c.timeZone, target?.time_zone),
        },
        parentRef: c.parent,
        parent: null,
      });
    }

    // Every department after the import, indexed by name and ids, to resolve parents against.
    const names = new Map<Node, string>(stored.map((d) => [storedNode(d.id), d.name]));
    const parents = new Map<Node, Node | null>(
      stored.map((d) => [storedNode(d.id), d.parent_id === null ? null : storedNode(d.parent_id)]),
    );
    const dingtalkIds = new Map<Node, number | null>(
      stored.map((d) => [storedNode(d.id), d.dingtalk_dept_id]),
    );
    for (const row of rows) {
      names.set(row.node, row.write.name);
      dingtalkIds.set(row.node, row.write.dingtalk_dept_id);
      if (!row.target) parents.set(row.node, null);
    }
    const byName = new Map<string, Node[]>();
    for (const [node, name] of names) push(byName, name, node);
    const byDingtalk = new Map<number, Node[]>();
    for (const [node, id] of dingtalkIds) if (id !== null) push(byDingtalk, id, node);
    // A number is a department id or a DingTalk department id; anything else (or no match) a name.
    const resolve = (ref: string): Node[] => {
      const hits = new Set<Node>();
      if (/^\d{1,15}$/.test(ref)) {
        if (storedById.has(Number(ref))) hits.add(storedNode(Number(ref)));
        for (const n of byDingtalk.get(Number(ref)) ?? []) hits.add(n);
      }
      return hits.size ? [...hits] : (byName.get(ref) ?? []);
    };
    for (const row of rows) {
      if (row.parentRef === undefined) {
        row.parent = parents.get(row.node) ?? null;
        continue;
      }
      if (row.parentRef === null) {
        parents.set(row.node, null);
        continue;
      }
      const bad = (code: string, zh: string, en: string) =>
        issues.push(issue(row.line, 'parent', code, zh, en));
      const hits = resolve(row.parentRef);
      if (hits.length === 0)
        bad(
          'unknown_parent',
          `没有部门“${row.parentRef}”（文件和系统中都没有）`,
          `no department "${row.parentRef}" in the file or the system`,
        );
      else if (hits.length > 1)
        bad(
          'ambiguous',
          `有 ${hits.length} 个部门叫“${row.parentRef}”，请填写编号`,
          `${hits.length} departments match "${row.parentRef}": use an id`,
        );
      else if (hits[0] === row.node)
        bad('cycle', '不能是自己的上级部门', 'a department cannot be its own parent');
      else {
        row.parent = hits[0] as Node;
        parents.set(row.node, row.parent);
      }
    }

    // No department may end up above itself: follow each row's parents up to the root.
    for (const row of rows) {
      const cycle = parentCycle(row.node, (n) => parents.get(n));
      if (!cycle) continue;
      const chain = [...cycle, row.node].map((n) => names.get(n)).join(' → ');
      issues.push(
        issue(
          row.line,
          'parent',
          'cycle',
          `上级部门形成循环：${chain}`,
          `the parents form a cycle: ${chain}`,
        ),
      );
    }
    if (issues.length) throw invalidFile(issues, file.position);

    // What changes: created, updated (any column or the parent), unchanged.
    const parentId = (node: Node | null, ids: Map<Node, number>) =>
      node === null ? null : (ids.get(node) ?? (node.startsWith('d') ? Number(node.slice(1)) : -1));
    const changed = (row: Row, ids: Map<Node, number>) => {
      const t = row.target;
      const w = row.write;
      return (
        !t ||
        t.name !== w.name ||
        t.dingtalk_dept_id !== w.dingtalk_dept_id ||
        t.manager_id !== w.manager_id ||
        t.hr_contact_id !== w.hr_contact_id ||
        t.time_zone !== w.time_zone ||
        t.parent_id !== parentId(row.parent, ids)
      );
    };
    const created = rows.filter((r) => !r.target);
    const updated = rows.filter((r) => r.target && changed(r, new Map()));
    if (!dryRun) {
      const newIds = await insertDepartments(
        trx,
        created.map((r) => r.write),
      );
      const ids = new Map(created.map((r, i) => [r.node, newIds[i] as number]));
      for (const r of updated) {
        await updateDepartment(trx, (r.target as StoredDepartment).id, r.write);
      }
      for (const r of rows) {
        const id = ids.get(r.node) ?? (r.target as StoredDepartment).id;
        const parent = parentId(r.parent, ids);
        if (r.target ? r.target.parent_id !== parent : parent !== null)
          await updateDepartment(trx, id, { parent_id: parent });
      }
    }
    return {
      dryRun,
      rows: rows.length,
      created: created.length,
      updated: updated.length,
      unchanged: rows.length - created.length - updated.length,
    };
  });
}
