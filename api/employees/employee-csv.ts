// Reading an employee CSV: the header (English or Chinese column names) and each row's cells,
// checked on their own (format, length, known values). Checks against the database and the rest of
// the file are the import service's.
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import { AppError, type FieldIssue } from '../http/errors.ts';
import { parseCsv, type CsvRecord } from './csv.ts';

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

/** A problem with one cell (or the file), in both languages. */
export interface ImportIssue extends FieldIssue {
  line: number;
  column: string;
}

export const issue = (line: number, column: string, code: string, zh: string, en: string): ImportIssue => ({
  line,
  column,
  field: `line ${line}: ${column}`,
  code,
  message: zh,
  messages: { zh, en },
});

/** The refusal of a file: its problems by line, and along the line in the order of the columns. */
export const invalidFile = (issues: ImportIssue[], position: (column: string) => number = () => 0) =>
  new AppError(
    'validation_failed',
    400,
    'The file has errors; nothing was imported',
    [...issues].sort((a, b) => a.line - b.line || position(a.column) - position(b.column)),
  );

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

export interface EmployeeCsv {
  records: CsvRecord[];
  has: (c: Column) => boolean;
  /** where a column is in the header (for ordering problems along a line) */
  position: (column: string) => number;
  /** the trimmed cell, or undefined when the file has no such column */
  cell: (r: CsvRecord, c: Column) => string | undefined;
  width: number;
}

/** The file's rows and where each column is; throws the file's problems (syntax, header, size). */
export function readEmployeeCsv(csv: string): EmployeeCsv {
  const parsed = parseCsv(csv);
  if (!parsed.ok) {
    throw invalidFile([
      issue(parsed.line, 'file', 'bad_csv', `CSV 格式错误：${parsed.reason}`, `bad CSV: ${parsed.reason}`),
    ]);
  }
  const [header, ...records] = parsed.records;
  if (!header) throw invalidFile([issue(1, 'file', 'empty', '文件为空', 'the file is empty')]);
  const over = records[IMPORT_MAX_ROWS];
  if (over) {
    throw invalidFile([
      issue(
        over.line,
        'file',
        'too_many_rows',
        `最多导入 ${IMPORT_MAX_ROWS} 行`,
        `at most ${IMPORT_MAX_ROWS} rows per import`,
      ),
    ]);
  }
  const issues: ImportIssue[] = [];
  const at = new Map<Column, number>();
  header.cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const col = (Object.keys(headerNames) as Column[]).find((c) => headerNames[c].includes(name));
    if (!col) issues.push(issue(1, raw, 'unknown_column', `未知的列“${raw}”`, `unknown column "${raw}"`));
    else if (at.has(col))
      issues.push(issue(1, raw, 'duplicate_column', `列“${raw}”重复`, `column "${raw}" appears twice`));
    else at.set(col, i);
  });
  for (const c of required) {
    if (!at.has(c))
      issues.push(issue(1, c, 'missing_column', `缺少必填列 ${c}`, `the required column ${c} is missing`));
  }
  if (issues.length) throw invalidFile(issues);
  return {
    records,
    width: header.cells.length,
    has: (c) => at.has(c),
    position: (c) => at.get(c as Column) ?? header.cells.length,
    cell: (r, c) => {
      const i = at.get(c);
      return i === undefined ? undefined : (r.cells[i] ?? '').trim();
    },
  };
}

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
  if (r.cells.length > file.width) {
    bad(
      'name',
      'extra_cells',
      `此行有 ${r.cells.length} 个单元格，表头只有 ${file.width} 列`,
      `this row has ${r.cells.length} cells for ${file.width} columns`,
    );
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
  else if (name.length > 50)
    bad('name', 'too_long', '姓名最多 50 个字', 'name must be at most 50 characters');
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
  const timeZone = cell('time_zone') || undefined;
  if (timeZone && !isValidTimeZone(timeZone))
    bad(
      'time_zone',
      'invalid',
      `未知时区“${timeZone}”（IANA，如 Asia/Shanghai）`,
      `unknown time zone "${timeZone}" (IANA, e.g. Asia/Shanghai)`,
    );
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
