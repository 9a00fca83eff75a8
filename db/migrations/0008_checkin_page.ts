// The employee page: uploaded images (health-code screenshots) kept in Postgres, which identity
// check each submission passed, and who filled it in for the employee (manager proxy filling).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('employee_id', 'bigint', (c) => c.notNull().references('employees.id'))
    // set when a submission references it; an upload nobody submits stays unlinked
    .addColumn('record_id', 'bigint', (c) => c.references('health_records.id'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('attachments_type_ck', sql`content_type in ('image/jpeg','image/png','image/webp')`)
    .execute();
  await db.schema.createIndex('attachments_employee_idx').on('attachments').column('employee_id').execute();
  await db.schema.createIndex('attachments_record_idx').on('attachments').column('record_id').execute();

  await db.schema
    .alterTable('health_records')
    .addColumn('identity_check', 'text')
    .addColumn('proxy_by_employee_id', 'bigint', (c) => c.references('employees.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('health_records')
    .dropColumn('identity_check')
    .dropColumn('proxy_by_employee_id')
    .execute();
  await db.schema.dropTable('attachments').execute();
}
