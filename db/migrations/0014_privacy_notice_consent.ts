// Privacy notice and consent (PIPL): the company's notice in versions (zh-CN and English, legal
// basis consent or "necessary for HR management"), every acknowledgement, consent and withdrawal
// with its time, version, IP and user agent, the person's current answer on their employee row (so
// the submission path reads it with the row it reads anyway), why a day was exempt (a withdrawal is
// shown as such, not as missed), and an index that finds the audit rows naming a person as a reader's
// subject (the employee's "who read my health answers").
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_notices')
    .addColumn('version', 'serial', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('show_reader_names', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addCheckConstraint('privacy_notices_status_ck', sql`status in ('draft', 'published', 'retired')`)
    .addCheckConstraint('privacy_notices_basis_ck', sql`legal_basis in ('consent', 'hr_management')`)
    .execute();
  await sql`create unique index privacy_notices_one_published on privacy_notices (status) where status = 'published'`.execute(
    db,
  );

  await db.schema
    .createTable('privacy_consents')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employee_id', 'bigint', (c) => c.notNull().references('employees.id').onDelete('cascade'))
    .addColumn('notice_version', 'integer', (c) => c.notNull().references('privacy_notices.version'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addCheckConstraint(
      'privacy_consents_action_ck',
      sql`action in ('acknowledged', 'consented', 'withdrawn')`,
    )
    .execute();
  await db.schema
    .createIndex('privacy_consents_employee_idx')
    .on('privacy_consents')
    .columns(['employee_id', 'at'])
    .execute();

  // the person's current answer: which version, and acknowledged / consented / withdrawn
  await db.schema
    .alterTable('employees')
    .addColumn('privacy_version', 'integer')
    .addColumn('privacy_state', 'text', (c) =>
      c.check(sql`privacy_state in ('acknowledged', 'consented', 'withdrawn')`),
    )
    .execute();

  await db.schema.alterTable('checkin_days').addColumn('exempt_reason', 'text').execute();

  await sql`create index audit_log_subjects_idx on audit_log using gin ((detail -> 'subjects') jsonb_path_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists audit_log_subjects_idx`.execute(db);
  await db.schema.alterTable('checkin_days').dropColumn('exempt_reason').execute();
  await db.schema.alterTable('employees').dropColumn('privacy_version').dropColumn('privacy_state').execute();
  await db.schema.dropTable('privacy_consents').execute();
  await db.schema.dropTable('privacy_notices').execute();
}
