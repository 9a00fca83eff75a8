// The department CSV import's reads and writes: every department with the columns an import may
// change, new departments, and changes to stored ones (parents last, once every department exists).
import type { Updateable } from 'kysely';
import type { DB } from '../connect.ts';
import type { DepartmentsTable } from '../database.ts';

export function listDepartmentsForImport(db: DB) {
  return db
    .selectFrom('departments')
    .select(['id', 'name', 'parent_id', 'dingtalk_dept_id', 'manager_id', 'hr_contact_id', 'time_zone'])
    .orderBy('id')
    .execute();
}

export type StoredDepartment = Awaited<ReturnType<typeof listDepartmentsForImport>>[number];

/** What an import writes for one department (no parent: parents are set once every row exists). */
export interface DepartmentWrite {
  name: string;
  dingtalk_dept_id: number | null;
  manager_id: number | null;
  hr_contact_id: number | null;
  time_zone: string | null;
}

/** Inserts the departments one by one (ids in the order given, whatever the statement returns). */
export async function insertDepartments(db: DB, rows: DepartmentWrite[]): Promise<number[]> {
  const ids: number[] = [];
  for (const row of rows) {
    const { id } = await db.insertInto('departments').values(row).returning('id').executeTakeFirstOrThrow();
    ids.push(id);
  }
  return ids;
}

export async function updateDepartment(
  db: DB,
  id: number,
  changes: Omit<Updateable<DepartmentsTable>, 'id' | 'created_at'>,
): Promise<void> {
  await db.updateTable('departments').set(changes).where('id', '=', id).execute();
}
