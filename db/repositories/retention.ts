// Deleting health data past the company's retention period, one bounded batch at a time.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';

/**
 * Deletes up to `limit` health records dated before `beforeDate` (a work date), with the reviews
 * that point at them; returns how many records went.
 */
export async function purgeRecordsBefore(db: DB, beforeDate: string, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const doomed = await trx
      .selectFrom('health_records')
      .select('id')
      .where('work_date', '<', beforeDate)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (doomed.length === 0) return 0;
    const ids = doomed.map((r) => r.id);
    await trx.deleteFrom('attachments').where('record_id', 'in', ids).execute();
    await trx
      .deleteFrom('reviews')
      .where((eb) => eb.or([eb('record_id', 'in', ids), eb('current_record_id', 'in', ids)]))
      .execute();
    // a recheck points at the record it replaces; both are the same day, so both are in range
    await trx
      .updateTable('health_records')
      .set({ recheck_of: null })
      .where('recheck_of', 'in', ids)
      .execute();
    const r = await trx.deleteFrom('health_records').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}

export async function countRecordsBefore(db: DB, beforeDate: string): Promise<number> {
  const r = await sql<{
    n: string;
  }>`select count(*)::text as n from health_records where work_date < ${beforeDate}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
