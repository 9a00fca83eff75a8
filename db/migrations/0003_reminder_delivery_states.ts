// Reminder rows get two more states: 'claimed' (owned by a batch, not called yet) and 'unknown'
// (a non-idempotent call was in flight when its worker died; never repeated).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reminders_sent').dropConstraint('reminders_sent_status_ck').execute();
  await sql`alter table reminders_sent add constraint reminders_sent_status_ck
    check (status in ('claimed','sending','sent','skipped','failed','unknown'))`.execute(db);
  await db.schema
    .alterTable('reminders_sent')
    .alterColumn('status', (c) => c.setDefault('claimed'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reminders_sent').dropConstraint('reminders_sent_status_ck').execute();
  await sql`update reminders_sent set status = 'sending' where status in ('claimed','unknown')`.execute(db);
  await sql`alter table reminders_sent add constraint reminders_sent_status_ck
    check (status in ('sending','sent','skipped','failed'))`.execute(db);
  await db.schema
    .alterTable('reminders_sent')
    .alterColumn('status', (c) => c.setDefault('sending'))
    .execute();
}
