// Reading a department CSV: the header (English or Chinese column names) and each row's cells,
// checked on their own. Parents, people and keys against the database are the import service's.
import { DEPARTMENT_NAME_MAX, departmentName } from '../../domain/org/org-rules.ts';
import type { CsvRecord } from '../csv-import/csv.ts';
import {
  extraCells,
  issue,
  readCsvTable,
  timeZoneCell,
  type CsvTable,
  type ImportIssue,
} from '../csv-import/csv-table.ts';

export const DEPARTMENT_IMPORT_MAX_ROWS = 2000;

export type Column = 'name' | 'dingtalk_dept_id' | 'parent' | 'manager_user_id' | 'hr_user_id' | 'time_zone';

const headerNames: Record<Column, string[]> = {
  name: ['name', '名称', '部门名称'],
  dingtalk_dept_id: ['dingtalk_dept_id', 'dept_id', '钉钉部门id'],
  parent: ['parent', 'parent_id', '上级部门'],
  manager_user_id: ['manager_user_id', 'manager', '主管钉钉id', '主管'],
  hr_user_id: ['hr_user_id', 'hr', 'hr钉钉id'],
  time_zone: ['time_zone', 'timezone', '时区'],
};

export type DepartmentCsv = CsvTable<Column>;

export const readDepartmentCsv = (csv: string): DepartmentCsv =>
  readCsvTable<Column>(csv, { headerNames, required: ['name'], maxRows: DEPARTMENT_IMPORT_MAX_ROWS });

/** One row's cells; for the optional ones undefined means no such column, null an empty cell. */
export interface DepartmentCells {
  name: string;
  dingtalkDeptId: number | null | undefined;
  parent: string | null | undefined;
  managerUserId: string | null | undefined;
  hrUserId: string | null | undefined;
  timeZone: string | null | undefined;
}

export function readDepartmentRow(
  file: DepartmentCsv,
  r: CsvRecord,
  issues: ImportIssue[],
): DepartmentCells | undefined {
  const extra = extraCells(file, r, 'name');
  if (extra) {
    issues.push(extra);
    return undefined;
  }
  const bad = (c: Column, code: string, zh: string, en: string) =>
    issues.push(issue(r.line, c, code, zh, en));
  const optional = (c: Column) => {
    const v = file.cell(r, c);
    return v === undefined ? undefined : v || null;
  };
  const name = file.cell(r, 'name') ?? '';
  if (!name) bad('name', 'required', '请填写部门名称', 'name is required');
  else if (!departmentName.safeParse(name).success)
    bad(
      'name',
      'too_long',
      `部门名称最多 ${DEPARTMENT_NAME_MAX} 个字`,
      `name must be at most ${DEPARTMENT_NAME_MAX} characters`,
    );
  const idText = optional('dingtalk_dept_id');
  const validId = idText && /^\d{1,15}$/.test(idText) && Number(idText) > 0;
  if (idText && !validId)
    bad(
      'dingtalk_dept_id',
      'invalid',
      '钉钉部门 ID 应为正整数',
      'dingtalk_dept_id must be a positive integer',
    );
  const timeZone = timeZoneCell(optional('time_zone'), bad);
  if (!name || (idText && !validId)) return undefined;
  return {
    name,
    dingtalkDeptId: idText ? Number(idText) : (idText as null | undefined),
    parent: optional('parent'),
    managerUserId: optional('manager_user_id'),
    hrUserId: optional('hr_user_id'),
    timeZone,
  };
}
