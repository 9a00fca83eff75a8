// Answers that rarely change (vaccination, travel), carried over from the employee's last record so
// the page can offer them; measured values are never prefillable (`prefillable`).
import type { DB } from '../../db/connect.ts';
import { lastRecordBefore } from '../../db/repositories/records.ts';
import { prefillable, type FormDefinition } from '../../domain/forms/form-definition.ts';

export async function prefillFor(db: DB, employeeId: number, workDate: string, form: FormDefinition) {
  const last = await lastRecordBefore(db, employeeId, workDate);
  const values: Record<string, unknown> = {};
  for (const f of form.fields) {
    const v = last?.answers[f.key];
    if (f.prefill && prefillable(f) && v !== undefined && v !== null) values[f.key] = v;
  }
  return { fromWorkDate: last?.work_date ?? null, values };
}
