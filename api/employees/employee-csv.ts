// Reading an employee CSV: the header (English or Chinese column names) and each row's cells,
// checked on their own (format, length, known values). Checks against the database and the rest of
// the file are the import service's.
import { EMPLOYEE_NAME_MAX } from '../../domain/org/org-rules.ts';
import type { CsvRecord } from '../csv-import/csv.ts';
import {
  extraCells,
  issue,
  readCsvTable,
  timeZoneCell,
  type CsvTable,
  type ImportIssue,
} from '../csv-import/csv-table.ts';

export const IMPORT_MAX_ROWS = 5000;

export type Column =
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

export type EmployeeCsv = CsvTable<Column>;

/** The file's rows and where each column is; throws the file's problems (syntax, header, size). */
export const readEmployeeCsv = (csv: string): EmployeeCsv =>
  readCsvTable(csv, { headerNames, required, maxRows: IMPORT_MAX_ROWS });

/** One row's values as typed, and what is wrong with them on their own. */
export interface RowCells {
  userId: string;
  name: string;
  department: string;
  manager: string | undefined;
  mobile: string | undefined;
  active: boolean | undefined;
  timeZone: string | undefined;
  unionId: string | undefined;
  workdays: number[] | null;
}

export function readRow(file: EmployeeCsv, r: CsvRecord, issues: ImportIssue[]): RowCells | undefined {
  const bad = (c: Column, code: string, zh: string, en: string) =>
    issues.push(issue(r.line, c, code, zh, en));
  const extra = extraCells(file, r, 'name');
  if (extra) {
    issues.push(extra);
    return undefined;
  }
  const cell = (c: Column) => file.cell(r, c);
  const userId = cell('dingtalk_user_id') ?? '';
  if (!userId) bad('dingtalk_user_id', 'required', '请填写钉钉用户 ID', 'dingtalk_user_id is required');
  else if (!/^[\w.@-]{1,64}$/.test(userId))
    bad(
      'dingtalk_user_id',
      'invalid',
      '钉钉用户 ID 只能包含字母、数字和 _ . @ -（最多 64 个）',
      'dingtalk_user_id takes letters, digits and _ . @ - (at most 64)',
    );
  const name = cell('name') ?? '';
  if (!name) bad('name', 'required', '请填写姓名', 'name is required');
  else if (name.length > EMPLOYEE_NAME_MAX)
    bad(
      'name',
      'too_long',
      `姓名最多 ${EMPLOYEE_NAME_MAX} 个字`,
      `name must be at most ${EMPLOYEE_NAME_MAX} characters`,
    );
  const department = cell('department') ?? '';
  if (!department)
    bad('department', 'required', '请填写部门（名称或编号）', 'department (name or id) is required');
  const mobile = cell('mobile') || undefined;
  if (mobile && !/^\+?[0-9][0-9 -]{4,19}$/.test(mobile))
    bad(
      'mobile',
      'invalid',
      '手机号格式不正确',
      'mobile must be a phone number (digits, spaces, -, leading +)',
    );
  const activeText = cell('active');
  const active = activeText ? truthy.get(activeText.toLowerCase()) : undefined;
  if (activeText && active === undefined)
    bad(
      'active',
      'invalid',
      '在职请填写 是/否（或 true/false）',
      'active must be true/false (or yes/no, 1/0)',
    );
  const timeZone = timeZoneCell(cell('time_zone') || undefined, bad);
  const workdaysText = cell('workdays');
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
  return {
    userId,
    name,
    department,
    manager: cell('manager_user_id') || undefined,
    mobile,
    active,
    timeZone,
    unionId: cell('dingtalk_union_id') || undefined,
    workdays: workdays?.length ? [...workdays].sort((a, b) => a - b) : null,
  };
}
