// Sign-in and roles (local accounts, HR/admin grants), the append-only audit log, export ownership.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('local_accounts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    .addColumn('hr_all_departments', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('local_accounts_roles_ck', sql`roles <@ array['hr','admin']::text[]`)
    .execute();

  // Manager scope comes from departments.manager_id and HR contacts from departments.hr_contact_id;
  // these grants add company-level roles to a DingTalk user.
  await db.schema
    .createTable('role_grants')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('all_departments', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('role_grants_role_ck', sql`role in ('hr','admin')`)
    .addUniqueConstraint('role_grants_uq', ['employee_id', 'role'])
    .execute();
  await db.schema.createIndex('departments_manager_idx').on('departments').column('manager_id').execute();
  await db.schema.createIndex('departments_hr_idx').on('departments').column('hr_contact_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('detail', 'jsonb')
    .addCheckConstraint('audit_log_outcome_ck', sql`outcome in ('success','denied','failure')`)
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'at']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'at']).execute();

  // Append-only: no UPDATE ever; DELETE only inside the retention job's transaction, which sets
  // hc.audit_retention locally (so an accidental `delete from audit_log` elsewhere fails).
  await sql`
    create function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('hc.audit_retention', true) = 'on' then
        return old;
      end if;
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_guard()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_guard()`.execute(db);

  await db.schema.alterTable('exports').addColumn('requested_by', 'text').execute();
  await db.schema
    .createIndex('health_records_work_date_idx')
    .ifNotExists()
    .on('health_records')
    .column('work_date')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('health_records_work_date_idx').execute();
  await db.schema.alterTable('exports').dropColumn('requested_by').execute();
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_guard()`.execute(db);
  await db.schema.dropTable('role_grants').execute();
  await db.schema.dropIndex('departments_manager_idx').execute();
  await db.schema.dropIndex('departments_hr_idx').execute();
  await db.schema.dropTable('local_accounts').execute();
}
