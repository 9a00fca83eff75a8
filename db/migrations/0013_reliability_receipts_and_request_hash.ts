// Delivery receipts: DingTalk's read state of each work-notification reminder, per person and level
// (getsendresult). Request hashes: a health record remembers a hash of the body its idempotency key
// was first used with, so the key replayed with another body is refused instead of answered with
// the old record. Older records have none and replay as before.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reminders_sent')
    .addColumn('delivery', 'text', (c) => c.check(sql`delivery in ('read', 'unread', 'failed', 'forbidden')`))
    .addColumn('delivery_checked_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('health_records').addColumn('request_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('health_records').dropColumn('request_hash').execute();
  await db.schema
    .alterTable('reminders_sent')
    .dropColumn('delivery')
    .dropColumn('delivery_checked_at')
    .execute();
}
