// Uploaded images (health-code screenshots), sealed at rest; the only place that writes or reads
// their bytes.
import { sql, type Transaction } from 'kysely';
import type { DB } from '../connect.ts';
import type { AttachmentType, Database } from '../database.ts';
import { keyringOf, openPhoto, sealPhoto } from '../sealed-fields.ts';

export async function saveAttachment(
  db: DB,
  a: { employeeId: number; contentType: AttachmentType; bytes: Buffer },
): Promise<{ id: string; sizeBytes: number }> {
  const row = await db
    .insertInto('attachments')
    .values({
      employee_id: a.employeeId,
      content_type: a.contentType,
      size_bytes: a.bytes.length,
      ...sealPhoto(a.bytes, keyringOf(db)),
    })
    .returning(['id', 'size_bytes'])
    .executeTakeFirstOrThrow();
  return { id: row.id, sizeBytes: row.size_bytes };
}

/** Which of these ids are attachments uploaded by this employee. */
export async function ownedAttachmentIds(db: DB, employeeId: number, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('attachments')
    .select('id')
    .where('employee_id', '=', employeeId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Ties still-unlinked uploads to the record that references them (a reused photo keeps its first record). */
export async function linkAttachments(trx: Transaction<Database>, ids: string[], recordId: number) {
  if (ids.length === 0) return;
  await trx
    .updateTable('attachments')
    .set({ record_id: recordId })
    .where('id', 'in', ids)
    .where('record_id', 'is', null)
    .execute();
}

/** The update linking several records' photos (run inside the group commit's statement). */
export function attachmentsLinkUpdate(links: readonly { id: string; recordId: number }[]) {
  const rows = sql.join(links.map((l) => sql`(${l.id}::uuid, ${l.recordId}::bigint)`));
  return sql`update attachments a set record_id = v.record_id
    from (values ${rows}) as v (id, record_id)
    where a.id = v.id and a.record_id is null`;
}

/** The image when it belongs to the employee who made the record. */
export async function readAttachment(db: DB, employeeId: number, attachmentId: string) {
  const row = await db
    .selectFrom('attachments')
    .select(['id', 'content_type', 'size_bytes', 'bytes', 'key_id', 'created_at'])
    .where('id', '=', attachmentId)
    .where('employee_id', '=', employeeId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { key_id, bytes, ...rest } = row;
  return { ...rest, bytes: openPhoto(bytes, key_id, keyringOf(db)) };
}

/** Which of these photos still exist (a record's answers may name one retention removed). */
export async function existingAttachmentIds(db: DB, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('attachments').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
