// Employee import from CSV: every row is checked (against the database and the rest of the file)
// before anything is written; then, in one transaction, people are upserted by DingTalk user id and
// managers set (a manager may be a row further down). A dry run answers the same counts and errors.
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import type { DepartmentScope } from '../../db/repositories/dashboard.ts';
import {
  findEmployeesByUnionIds,
  findEmployeesByUserIds,
  listDepartmentNames,
  setManagers,
  upsertEmployeesByUserId,
  type EmployeeWrite,
} from '../../db/repositories/org.ts';
import { AppError, type FieldIssue } from '../http/errors.ts';
import { parseCsv } from './csv.ts';

export const IMPORT_MAX_ROWS = 5000;

type Column =
  | 'dingtalk_user_id'
  | 'name'
  | 'department'
  | 'manager_user_id'
  | 'mobile'
  | 'active'
  | 'time_zone'
  | 'dingtalk_union_id'
  | 'workdays';

/** Header names accepted for each column (HR's spreadsheets are often in Chinese). */
const headerNames: Record<Column, string[]> = {
  dingtalk_user_id: ['dingtalk_user_id', 'userid', 'user_id', '钉钉用户id', '用户id'],
  name: ['name', '姓名'],
  department: ['department', 'department_id', '部门'],
  manager_user_id: ['manager_user_id', 'manager', '主管', '直属主管'],
  mobile: ['mobile', '手机', '手机号'],
  active: ['active', '在职'],
  time_zone: ['time_zone', 'timezone', '时区'],
  dingtalk_union_id: ['dingtalk_union_id', 'unionid', 'union_id'],
  workdays: ['workdays', '工作日'],
};
const required: Column[] = ['dingtalk_user_id', 'name', 'department'];

export interface ImportIssue extends FieldIssue {
  line: number;
  column: string;
}

export interface ImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

interface Row {
  line: number;
  write: EmployeeWrite;
  /** undefined: column absent, keep; null: clear */
  managerUserId: string | null | undefined;
}

const issue = (line: number, column: string, code: string, zh: string, en: string): ImportIssue => ({
  line,
  column,
  field: `line ${line}: ${column}`,
  code,
  message: zh,
  messages: { zh, en },
});

const truthy = new Map<string, boolean>([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['y', true],
  ['是', true],
  ['在职', true],
  ['false', false],
  ['0', false],
  ['no', false],
  ['n', false],
  ['否', false],
  ['离职', false],
]);

export async function importEmployees(
  db: DB,
  csv: string,
  opts: { dryRun: boolean; scope: DepartmentScope },
): Promise<ImportResult> {
  const { dryRun, scope } = opts;
  const inScope = (departmentId: number) => scope === 'all' || scope.includes(departmentId);
  const parsed = parseCsv(csv);
  if (!parsed.ok) {
    throw invalid([
      issue(parsed.line, 'file', 'bad_csv', `CSV 格式错误：${parsed.reason}`, `bad CSV: ${parsed.reason}`),
    ]);
  }
  const [header, ...records] = parsed.records;
  if (!header) throw invalid([issue(1, 'file', 'empty', '文件为空', 'the file is empty')]);
  if (records.length > IMPORT_MAX_ROWS) {
    throw invalid([
      issue(
        (records[IMPORT_MAX_ROWS] as { line: number }).line,
        'file',
        'too_many_rows',
        `最多导入 ${IMPORT_MAX_ROWS} 行`,
        `at most ${IMPORT_MAX_ROWS} rows per import`,
      ),
    ]);
  }

  // Header: which column is where.
  const errors: ImportIssue[] = [];
  const at = new Map<Column, number>();
  header.cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const col = (Object.keys(headerNames) as Column[]).find((c) => headerNames[c].includes(name));
    if (!col) errors.push(issue(1, raw, 'unknown_column', `未知的列“${raw}”`, `unknown column "${raw}"`));
    else if (at.has(col))
      errors.push(issue(1, raw, 'duplicate_column', `列“${raw}”重复`, `column "${raw}" appears twice`));
    else at.set(col, i);
  });
  for (const c of required) {
    if (!at.has(c))
      errors.push(issue(1, c, 'missing_column', `缺少必填列 ${c}`, `the required column ${c} is missing`));
  }
  if (errors.length) throw invalid(errors);

  return db.transaction().execute(async (trx) => {
    const departments = await listDepartmentNames(trx);
    const deptById = new Set(departments.map((d) => d.id));
    const deptByName = new Map<string, number[]>();
    for (const d of departments) deptByName.set(d.name, [...(deptByName.get(d.name) ?? []), d.id]);

    const cell = (r: { cells: string[] }, c: Column) => {
      const i = at.get(c);
      return i === undefined ? undefined : (r.cells[i] ?? '').trim();
    };
    const userIds = records.map((r) => cell(r, 'dingtalk_user_id') ?? '').filter(Boolean);
    const existing = new Map(
      (await findEmployeesByUserIds(trx, userIds)).map((e) => [e.dingtalk_user_id, e]),
    );

    const rows: Row[] = [];
    const seen = new Map<string, number>();
    const unionSeen = new Map<string, number>();
    for (const r of records) {
      const line = r.line;
      const bad = (c: Column, code: string, zh: string, en: string) =>
        errors.push(issue(line, c, code, zh, en));
      if (r.cells.length > header.cells.length) {
        bad(
          'name',
          'extra_cells',
          `此行有 ${r.cells.length} 个单元格，表头只有 ${header.cells.length} 列`,
          `this row has ${r.cells.length} cells for ${header.cells.length} columns`,
        );
        continue;
      }
      const userId = cell(r, 'dingtalk_user_id') ?? '';
      const before = existing.get(userId);
      if (!userId) bad('dingtalk_user_id', 'required', '请填写钉钉用户 ID', 'dingtalk_user_id is required');
      else if (!/^[\w.@-]{1,64}$/.test(userId))
        bad(
          'dingtalk_user_id',
          'invalid',
          '钉钉用户 ID 只能包含字母、数字和 _ . @ -（最多 64 个）',
          'dingtalk_user_id takes letters, digits and _ . @ - (at most 64)',
        );
      else if (seen.has(userId))
        bad(
          'dingtalk_user_id',
          'duplicate',
          `与第 ${seen.get(userId)} 行重复`,
          `the same user as line ${seen.get(userId)}`,
        );
      else seen.set(userId, line);

      const name = cell(r, 'name') ?? '';
      if (!name) bad('name', 'required', '请填写姓名', 'name is required');
      else if (name.length > 50)
        bad('name', 'too_long', '姓名最多 50 个字', 'name must be at most 50 characters');

      const deptText = cell(r, 'department') ?? '';
      let departmentId: number | undefined;
      if (!deptText)
        bad('department', 'required', '请填写部门（名称或编号）', 'department (name or id) is required');
      else if (/^\d+$/.test(deptText) && deptById.has(Number(deptText))) departmentId = Number(deptText);
      else {
        const named = deptByName.get(deptText) ?? [];
        if (named.length === 1) departmentId = named[0];
        else if (named.length > 1)
          bad(
            'department',
            'ambiguous',
            `有 ${named.length} 个部门叫“${deptText}”，请填写部门编号`,
            `${named.length} departments are called "${deptText}": use the id`,
          );
        else bad('department', 'unknown_department', `没有部门“${deptText}”`, `no department "${deptText}"`);
      }

      const mobile = cell(r, 'mobile');
      if (mobile && !/^\+?[0-9][0-9 -]{4,19}$/.test(mobile))
        bad(
          'mobile',
          'invalid',
          '手机号格式不正确',
          'mobile must be a phone number (digits, spaces, -, leading +)',
        );

      const activeText = cell(r, 'active');
      const active = activeText ? truthy.get(activeText.toLowerCase()) : undefined;
      if (activeText && active === undefined)
        bad(
          'active',
          'invalid',
          '在职请填写 是/否（或 true/false）',
          'active must be true/false (or yes/no, 1/0)',
        );

      const timeZone = cell(r, 'time_zone');
      if (timeZone && !isValidTimeZone(timeZone))
        bad(
          'time_zone',
          'invalid',
          `未知时区“${timeZone}”（IANA，如 Asia/Shanghai）`,
          `unknown time zone "${timeZone}" (IANA, e.g. Asia/Shanghai)`,
        );

      const unionId = cell(r, 'dingtalk_union_id');
      if (unionId) {
        if (unionSeen.has(unionId))
          bad(
            'dingtalk_union_id',
            'duplicate',
            `与第 ${unionSeen.get(unionId)} 行重复`,
            `the same union id as line ${unionSeen.get(unionId)}`,
          );
        unionSeen.set(unionId, line);
      }

      const workdaysText = cell(r, 'workdays');
      const workdays = workdaysText
        ? workdaysText
            .split(/[;|\s]+/)
            .filter(Boolean)
            .map(Number)
        : null;
      if (
        workdays &&
        (workdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7) ||
          new Set(workdays).size !== workdays.length)
      )
        bad(
          'workdays',
          'invalid',
          '工作日请填写 1–7（周一为 1），用分号分隔',
          'workdays are ISO weekdays 1–7 (Monday = 1) separated by ;',
        );

      // HR writes people only in (and out of) their own departments.
      if (departmentId !== undefined && !inScope(departmentId))
        bad(
          'department',
          'out_of_scope',
          `部门“${deptText}”不在您的管理范围内`,
          `department "${deptText}" is outside your scope`,
        );
      else if (before && !inScope(before.department_id))
        bad(
          'dingtalk_user_id',
          'out_of_scope',
          `${userId} 所在部门不在您的管理范围内`,
          `${userId} works in a department outside your scope`,
        );
      if (departmentId === undefined) continue;
      // A column the file does not have keeps what is stored; an empty cell clears it.
      const keep = <T>(c: Column, value: T, stored: T | undefined, fallback: T): T =>
        at.has(c) ? value : before ? (stored as T) : fallback;
      rows.push({
        line,
        write: {
          dingtalk_user_id: userId,
          name,
          department_id: departmentId,
          dingtalk_union_id: keep('dingtalk_union_id', unionId || null, before?.dingtalk_union_id, null),
          mobile: keep('mobile', mobile || null, before?.mobile, null),
          active: keep('active', active ?? true, before?.active, true),
          time_zone: keep('time_zone', timeZone || null, before?.time_zone, null),
          workdays: keep(
            'workdays',
            workdays?.length ? [...workdays].sort((a, b) => a - b) : null,
            before?.workdays,
            null,
          ),
        },
        managerUserId: at.has('manager_user_id') ? cell(r, 'manager_user_id') || null : undefined,
      });
    }

    // Union ids are unique across the company, not only within the file.
    const owners = await findEmployeesByUnionIds(trx, [...unionSeen.keys()]);
    for (const o of owners) {
      const line = unionSeen.get(o.dingtalk_union_id ?? '');
      const row = rows.find((r) => r.line === line);
      if (line !== undefined && row && row.write.dingtalk_user_id !== o.dingtalk_user_id)
        errors.push(
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
    const named = records
      .map((r) => ({
        line: r.line,
        userId: cell(r, 'dingtalk_user_id') ?? '',
        manager: cell(r, 'manager_user_id'),
      }))
      .filter((m): m is { line: number; userId: string; manager: string } => !!m.manager);
    const storedManagers = new Map(
      (
        await findEmployeesByUserIds(trx, [
          ...new Set(named.map((m) => m.manager).filter((m) => !seen.has(m))),
        ])
      ).map((e) => [e.dingtalk_user_id, e.id]),
    );
    for (const m of named) {
      if (m.manager === m.userId)
        errors.push(
          issue(
            m.line,
            'manager_user_id',
            'self',
            '不能是自己的主管',
            'an employee cannot be their own manager',
          ),
        );
      else if (!seen.has(m.manager) && !storedManagers.has(m.manager))
        errors.push(
          issue(
            m.line,
            'manager_user_id',
            'unknown_manager',
            `没有用户“${m.manager}”（文件和系统中都没有）`,
            `no user "${m.manager}" in the file or the system`,
          ),
        );
    }
    if (errors.length) throw invalid(errors.sort((a, b) => a.line - b.line));

    // What would change: created, updated (any column or the manager), unchanged.
    const changed = rows.filter((r) => {
      const e = existing.get(r.write.dingtalk_user_id);
      if (!e) return true;
      const w = r.write;
      return (
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

const invalid = (errors: ImportIssue[]) =>
  new AppError('validation_failed', 400, 'The file has errors; nothing was imported', errors);
