// One person's check-in days over a range of dates: the planned day rows, the current records and
// the leave covering any of those dates (the per-person history merges them day by day).
import { keyringOf } from '../sealed-fields.ts';
import type { DB } from '../connect.ts';
import { openRecord } from './records.ts';

export async function employeeDaysBetween(db: DB, employeeId: number, from: string, to: string) {
  const [days, records, leaves] = await Promise.all([
    db
      .selectFrom('checkin_days')
      .select(['work_date', 'outcome', 'level_reached', 'exempt_reason'])
      .where('employee_id', '=', employeeId)
      .where('work_date', '>=', from)
      .where('work_date', '<=', to)
      .execute(),
    db
      .selectFrom('health_records')
      .select([
        'id',
        'work_date',
        'submitted_at',
        'status',
        'severity',
        'answers_ct',
        'reasons_ct',
        'proxy_by_employee_id',
      ])
      .where('employee_id', '=', employeeId)
      .where('is_current', '=', true)
      .where('work_date', '>=', from)
      .where('work_date', '<=', to)
      .execute(),
    db
      .selectFrom('leaves')
      .select(['kind', 'from_date', 'to_date', 'note'])
      .where('employee_id', '=', employeeId)
      .where('from_date', '<=', to)
      .where('to_date', '>=', from)
      .execute(),
  ]);
  const keyring = keyringOf(db);
  return { days, records: records.map((r) => openRecord(r, keyring)), leaves };
}
