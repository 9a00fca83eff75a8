// Employee import from CSV: every row is checked (on its own, against the database and against the
// rest of the file) before anything is written; then, in one transaction, people are upserted by
// DingTalk user id and managers set (a manager may be a row further down). A dry run answers the
// same counts and errors without writing.
import type { DB } from '../../db/connect.ts';
import { inScopeOf, type DepartmentScope } from '../../db/department-scope.ts';
import {
  findEmployeesByUnionIds,
  findEmployeesByUserIds,
  listDepartmentNames,
  setManagers,
  upsertEmployeesByUserId,
  type EmployeeWrite,
} from '../../db/repositories/org.ts';
import { invalidFile, issue, type ImportIssue, type ImportResult } from '../csv-import/csv-table.ts';
import { readEmployeeCsv, readRow, type Column } from './employee-csv.ts';

interface Row {
  line: number;
  write: EmployeeWrite;
  /** undefined: no such column, keep; null: empty cell, clear */
  managerUserId: string | null | undefined;
}

export async function importEmployees(
  db: DB,
  csv: string,
  opts: { dryRun: boolean; scope: DepartmentScope },
): Promise<ImportResult> {
  const { dryRun, scope } = opts;
  const inScope = (departmentId: number) => inScopeOf(scope, departmentId);
  const file = readEmployeeCsv(csv);
  const issues: ImportIssue[] = [];

  return db.transaction().execute(async (trx) => {
    const departments = await listDepartmentNames(trx);
    const deptIds = new Set(departments.map((d) => d.id));
    const deptsByName = new Map<string, number[]>();
    for (const d of departments) deptsByName.set(d.name, [...(deptsByName.get(d.name) ?? []), d.id]);
    const userIds = file.records.map((r) => file.cell(r, 'dingtalk_user_id') ?? '').filter(Boolean);
    const existing = new Map(
      (await findEmployeesByUserIds(trx, userIds)).map((e) => [e.dingtalk_user_id, e]),
    );

    const rows: Row[] = [];
    const lineOfUser = new Map<string, number>();
    const lineOfUnion = new Map<string, number>();
    const managers: { line: number; userId: string; manager: string }[] = [];
    for (const r of file.records) {
      const c = readRow(file, r, issues);
      if (!c) continue;
      const bad = (col: Column, code: string, zh: string, en: string) =>
        issues.push(issue(r.line, col, code, zh, en));
      const before = existing.get(c.userId);
      const firstLine = lineOfUser.get(c.userId);
      if (c.userId && firstLine !== undefined)
        bad(
          'dingtalk_user_id',
          'duplicate',
          `与第 ${firstLine} 行重复`,
          `the same user as line ${firstLine}`,
        );
      else lineOfUser.set(c.userId, r.line);
      if (c.unionId) {
        const unionLine = lineOfUnion.get(c.unionId);
        if (unionLine !== undefined)
          bad(
            'dingtalk_union_id',
            'duplicate',
            `与第 ${unionLine} 行重复`,
            `the same union id as line ${unionLine}`,
          );
        else lineOfUnion.set(c.unionId, r.line);
      }
      if (c.manager) managers.push({ line: r.line, userId: c.userId, manager: c.manager });

      let departmentId: number | undefined;
      if (/^\d+$/.test(c.department) && deptIds.has(Number(c.department)))
        departmentId = Number(c.department);
      else if (c.department) {
        const named = deptsByName.get(c.department) ?? [];
        if (named.length === 1) departmentId = named[0];
        else if (named.length > 1)
          bad(
            'department',
            'ambiguous',
            `有 ${named.length} 个部门叫“${c.department}”，请填写部门编号`,
            `${named.length} departments are called "${c.department}": use the id`,
          );
        else
          bad(
            'department',
            'unknown_department',
            `没有部门“${c.department}”`,
            `no department "${c.department}"`,
          );
      }
      // HR writes people only in (and out of) their own departments.
      if (departmentId !== undefined && !inScope(departmentId))
        bad(
          'department',
          'out_of_scope',
          `部门“${c.department}”不在您的管理范围内`,
          `department "${c.department}" is outside your scope`,
        );
      else if (before && !inScope(before.department_id))
        bad(
          'dingtalk_user_id',
          'out_of_scope',
          `${c.userId} 所在部门不在您的管理范围内`,
          `${c.userId} works in a department outside your scope`,
        );
      if (departmentId === undefined) continue;

      // A column the file does not have keeps what is stored; an empty cell clears it.
      const keep = <T>(col: Column, value: T, stored: T | undefined, fallback: T): T =>
        file.has(col) ? value : before ? (stored as T) : fallback;
      rows.push({
        line: r.line,
        write: {
          dingtalk_user_id: c.userId,
          name: c.name,
          department_id: departmentId,
          dingtalk_union_id: keep('dingtalk_union_id', c.unionId ?? null, before?.dingtalk_union_id, null),
          mobile: keep('mobile', c.mobile ?? null, before?.mobile, null),
          active: keep('active', c.active ?? true, before?.active, true),
          time_zone: keep('time_zone', c.timeZone ?? null, before?.time_zone, null),
          workdays: keep('workdays', c.workdays, before?.workdays, null),
        },
        managerUserId: file.has('manager_user_id') ? (c.manager ?? null) : undefined,
      });
    }

    // Union ids are unique across the company, not only within the file.
    for (const o of await findEmployeesByUnionIds(trx, [...lineOfUnion.keys()])) {
      const line = lineOfUnion.get(o.dingtalk_union_id ?? '');
      const row = rows.find((r) => r.line === line);
      if (line !== undefined && row && row.write.dingtalk_user_id !== o.dingtalk_user_id)
        issues.push(
          issue(
            line,
            'dingtalk_union_id',
            'taken',
            `该 union id 已属于 ${o.dingtalk_user_id}`,
            `this union id belongs to ${o.dingtalk_user_id}`,
          ),
        );
    }

    // Managers: someone in the file or already stored, never oneself.
    const storedManagers = new Map(
      (
        await findEmployeesByUserIds(trx, [
          ...new Set(managers.map((m) => m.manager).filter((m) => !lineOfUser.has(m))),
        ])
      ).map((e) => [e.dingtalk_user_id, e.id]),
    );
    for (const m of managers) {
      if (m.manager === m.userId)
        issues.push(
          issue(
            m.line,
            'manager_user_id',
            'self',
            '不能是自己的主管',
            'an employee cannot be their own manager',
          ),
        );
      else if (!lineOfUser.has(m.manager) && !storedManagers.has(m.manager))
        issues.push(
          issue(
            m.line,
            'manager_user_id',
            'unknown_manager',
            `没有用户“${m.manager}”（文件和系统中都没有）`,
            `no user "${m.manager}" in the file or the system`,
          ),
        );
    }
    if (issues.length) throw invalidFile(issues, file.position);

    // What changes: created, updated (any column or the manager), unchanged.
    const changed = rows.filter((r) => {
      const e = existing.get(r.write.dingtalk_user_id);
      const w = r.write;
      return (
        !e ||
        e.name !== w.name ||
        e.department_id !== w.department_id ||
        e.dingtalk_union_id !== w.dingtalk_union_id ||
        e.mobile !== w.mobile ||
        e.active !== w.active ||
        e.time_zone !== w.time_zone ||
        JSON.stringify(e.workdays) !== JSON.stringify(w.workdays)
      );
    });
    const ids = dryRun
      ? new Map<string, number>()
      : await upsertEmployeesByUserId(
          trx,
          changed.map((r) => r.write),
        );
    const idOf = (userId: string) =>
      ids.get(userId) ?? existing.get(userId)?.id ?? storedManagers.get(userId);
    const managerChanges = rows.filter((r) => {
      if (r.managerUserId === undefined) return false;
      const e = existing.get(r.write.dingtalk_user_id);
      if (!e) return r.managerUserId !== null;
      // A manager created by this file has no id yet in a dry run: that is a change.
      const target = r.managerUserId === null ? null : (idOf(r.managerUserId) ?? -1);
      return e.manager_id !== target;
    });
    if (!dryRun) {
      await setManagers(
        trx,
        managerChanges.map((r) => ({
          id: idOf(r.write.dingtalk_user_id) as number,
          managerId: r.managerUserId === null ? null : (idOf(r.managerUserId as string) as number),
        })),
      );
    }
    const created = rows.filter((r) => !existing.has(r.write.dingtalk_user_id)).length;
    const touched = new Set([...changed, ...managerChanges].map((r) => r.write.dingtalk_user_id));
    const updated = [...touched].filter((u) => existing.has(u)).length;
    return { dryRun, rows: rows.length, created, updated, unchanged: rows.length - created - updated };
  });
}
