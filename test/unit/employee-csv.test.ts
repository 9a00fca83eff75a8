// The CSV reader of the employee import: quoting, line numbers across quoted line breaks, BOM and
// CRLF, blank lines; and the header's English and Chinese column names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv } from '../../api/csv-import/csv.ts';
import { readEmployeeCsv } from '../../api/employees/employee-csv.ts';

test('quoted cells keep commas, quotes and line breaks; each record knows the line it starts on', () => {
  const r = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",z\nlast,\n');
  assert.deepEqual(r, {
    ok: true,
    records: [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 4, cells: ['two\nlines', 'z'] },
      { line: 6, cells: ['last', ''] },
    ],
  });
  assert.deepEqual(parseCsv('a\n"open\n\n'), { ok: false, line: 2, reason: 'a quoted cell is never closed' });
  assert.deepEqual(parseCsv('a\nb"c\n'), { ok: false, line: 2, reason: 'quote inside an unquoted cell' });
});

test('Chinese headers name the same columns', () => {
  const file = readEmployeeCsv('钉钉用户ID,姓名,部门,主管,手机号\nu1,张三,销售部,u2,13800000000\n');
  const [row] = file.records;
  assert.ok(row);
  assert.deepEqual(
    [file.cell(row, 'dingtalk_user_id'), file.cell(row, 'manager_user_id'), file.cell(row, 'time_zone')],
    ['u1', 'u2', undefined],
  );
});
