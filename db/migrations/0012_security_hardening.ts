// Issue 14: the department an audit row is about (so department HR reads only theirs), and the
// staff sessions ended by sign-out (a signed cookie copied before sign-out must stop working).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    // no foreign key: the log outlives departments, and the append-only trigger refuses `set null`
    .addColumn('department_id', 'integer')
    .execute();
  await db.schema
    .createIndex('audit_log_department_idx')
    .on('audit_log')
    .columns(['department_id', 'at'])
    .where(sql.ref('department_id'), 'is not', null)
    .execute();
  await db.schema
    .createTable('revoked_sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    // the cookie's own expiry: after it the row is useless and may be purged
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('revoked_sessions').execute();
  await db.schema.alterTable('audit_log').dropColumn('department_id').execute();
}
