// Uploaded photos are sealed like the other sensitive columns: key_id says which key (null = a photo
// stored before encryption, sealed by the start-up pass or `npm run rotate-keys`).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attachments').addColumn('key_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('attachments').dropColumn('key_id').execute();
}
