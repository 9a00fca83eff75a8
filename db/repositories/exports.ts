// The exports table: one row per requested report, read and written here by the API and the
// reportExport workflow's activities alike.
import { sql, type Selectable } from 'kysely';
import type { DB } from '../connect.ts';
import type { ExportsTable } from '../database.ts';

export type ExportRow = Selectable<ExportsTable>;

export function insertExport(
  db: DB,
  e: {
    format: ExportRow['format'];
    filter: ExportRow['filter'];
    total: number;
    fileName: string;
    requestedBy: string;
    purpose: string | null;
  },
): Promise<ExportRow> {
  return db
    .insertInto('exports')
    .values({
      format: e.format,
      filter: JSON.stringify(e.filter),
      total: e.total,
      file_name: e.fileName,
      requested_by: e.requestedBy,
      purpose: e.purpose,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findExport(db: DB, id: number): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `requestedBy` limits them to one requester's (undefined: every one). */
export function listExports(db: DB, requestedBy: string | undefined, limit = 100): Promise<ExportRow[]> {
  return db
    .selectFrom('exports')
    .selectAll()
    .$if(requestedBy !== undefined, (q) => q.where('requested_by', '=', requestedBy as string))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** One export if this requester may see it (undefined `requestedBy`: any). */
export function findVisibleExport(
  db: DB,
  id: number,
  requestedBy: string | undefined,
): Promise<ExportRow | undefined> {
  return db
    .selectFrom('exports')
    .selectAll()
    .where('id', '=', id)
    .$if(requestedBy !== undefined, (q) => q.where('requested_by', '=', requestedBy as string))
    .executeTakeFirst();
}

export async function markExportRunning(db: DB, id: number): Promise<void> {
  await db.updateTable('exports').set({ status: 'running', progress: 0 }).where('id', '=', id).execute();
}

export async function setExportProgress(db: DB, id: number, progress: number): Promise<void> {
  await db.updateTable('exports').set({ progress }).where('id', '=', id).execute();
}

/**
 * Done with `records` records in the file: progress and total both say so (a PDF, drawn in one go,
 * shows a full bar too), kept for `retentionMs`.
 */
export async function markExportDone(
  db: DB,
  id: number,
  done: { records: number; sizeBytes: number; retentionMs: number },
): Promise<void> {
  await db
    .updateTable('exports')
    .set({
      status: 'done',
      progress: done.records,
      total: done.records,
      size_bytes: done.sizeBytes,
      finished_at: sql`now()`,
      expires_at: sql`now() + make_interval(secs => ${done.retentionMs / 1000})`,
    })
    .where('id', '=', id)
    .execute();
}

export async function markExportFailed(db: DB, id: number, error: string): Promise<void> {
  await db
    .updateTable('exports')
    .set({ status: 'failed', error: error.slice(0, 500) })
    .where('id', '=', id)
    .execute();
}

export async function markExportExpired(db: DB, id: number): Promise<void> {
  await db.updateTable('exports').set({ status: 'expired' }).where('id', '=', id).execute();
}
