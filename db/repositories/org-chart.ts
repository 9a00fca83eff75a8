// The department tree as one unit: writers that change parents take one lock, so two edits that
// are each acyclic cannot together make a cycle.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';

/** Held until the transaction ends; every writer of departments.parent_id takes it first. */
export async function lockOrgChart(trx: DB): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('org-chart'))`.execute(trx);
}

/** department id → parent id, for every department. */
export async function loadParents(db: DB): Promise<Map<number, number | null>> {
  const rows = await db.selectFrom('departments').select(['id', 'parent_id']).execute();
  return new Map(rows.map((d) => [d.id, d.parent_id]));
}
