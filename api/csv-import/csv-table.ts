// What the CSV imports share: reading a file into rows under a header of known columns (English or
// Chinese names), and the refusal of a file as problems by line and column in both languages.
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import { AppError, type FieldIssue } from '../http/errors.ts';
import { parseCsv, type CsvRecord } from './csv.ts';
import type { z } from 'zod';
import type { importResultSchema } from './csv-import.schemas.ts';

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

/** The `time_zone` cell both imports have: returned as it is, reported through `bad` unless an IANA zone. */
export function timeZoneCell<V extends string | null | undefined>(
  value: V,
  bad: (column: 'time_zone', code: string, zh: string, en: string) => void,
): V {
  if (value && !isValidTimeZone(value))
    bad(
      'time_zone',
      'invalid',
      `未知时区“${value}”（IANA，如 Asia/Shanghai）`,
      `unknown time zone "${value}" (IANA, e.g. Asia/Shanghai)`,
    );
  return value;
}

/** The refusal of a file: its problems by line, and along the line in the order of the columns. */
export const invalidFile = (issues: ImportIssue[], position: (column: string) => number = () => 0) =>
  new AppError(
    'validation_failed',
    400,
    'The file has errors; nothing was imported',
    [...issues].sort((a, b) => a.line - b.line || position(a.column) - position(b.column)),
  );

/** What an import answers: how many rows, and what they did (or would do, in a dry run). */
export type ImportResult = z.infer<typeof importResultSchema>;

export interface CsvTable<C extends string> {
  records: CsvRecord[];
  has: (c: C) => boolean;
  /** where a column is in the header (for ordering problems along a line) */
  position: (column: string) => number;
  /** the trimmed cell, or undefined when the file has no such column */
  cell: (r: CsvRecord, c: C) => string | undefined;
  width: number;
}

export interface TableSpec<C extends string> {
  /** header names accepted for each column, lower case */
  headerNames: Record<C, string[]>;
  required: C[];
  maxRows: number;
}

/** The file's rows and where each column is; throws the file's problems (syntax, header, size). */
export function readCsvTable<C extends string>(csv: string, spec: TableSpec<C>): CsvTable<C> {
  const parsed = parseCsv(csv);
  if (!parsed.ok) {
    throw invalidFile([
      issue(parsed.line, 'file', 'bad_csv', `CSV 格式错误：${parsed.reason}`, `bad CSV: ${parsed.reason}`),
    ]);
  }
  const [header, ...records] = parsed.records;
  if (!header) throw invalidFile([issue(1, 'file', 'empty', '文件为空', 'the file is empty')]);
  const over = records[spec.maxRows];
  if (over) {
    throw invalidFile([
      issue(
        over.line,
        'file',
        'too_many_rows',
        `最多导入 ${spec.maxRows} 行`,
        `at most ${spec.maxRows} rows per import`,
      ),
    ]);
  }
  const issues: ImportIssue[] = [];
  const at = new Map<C, number>();
  const columns = Object.keys(spec.headerNames) as C[];
  header.cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const col = columns.find((c) => spec.headerNames[c].includes(name));
    if (!col) issues.push(issue(1, raw, 'unknown_column', `未知的列“${raw}”`, `unknown column "${raw}"`));
    else if (at.has(col))
      issues.push(issue(1, raw, 'duplicate_column', `列“${raw}”重复`, `column "${raw}" appears twice`));
    else at.set(col, i);
  });
  for (const c of spec.required) {
    if (!at.has(c))
      issues.push(issue(1, c, 'missing_column', `缺少必填列 ${c}`, `the required column ${c} is missing`));
  }
  if (issues.length) throw invalidFile(issues);
  return {
    records,
    width: header.cells.length,
    has: (c) => at.has(c),
    position: (c) => at.get(c as C) ?? header.cells.length,
    cell: (r, c) => {
      const i = at.get(c);
      return i === undefined ? undefined : (r.cells[i] ?? '').trim();
    },
  };
}

/** A row with more cells than the header has columns (reported against `column`), or undefined. */
export function extraCells<C extends string>(
  table: CsvTable<C>,
  r: CsvRecord,
  column: C,
): ImportIssue | undefined {
  if (r.cells.length <= table.width) return undefined;
  return issue(
    r.line,
    column,
    'extra_cells',
    `此行有 ${r.cells.length} 个单元格，表头只有 ${table.width} 列`,
    `this row has ${r.cells.length} cells for ${table.width} columns`,
  );
}
