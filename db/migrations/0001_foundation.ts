// Organisation, policy, records, reminders, day outcomes and the signal outbox.
// Migrations never import app code: the schema here is frozen as of this file.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('departments.id').onDelete('restrict'))
    .addColumn('dingtalk_dept_id', 'bigint', (c) => c.unique())
    .addColumn('manager_id', 'integer')
    .addColumn('hr_contact_id', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('employees')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dingtalk_user_id', 'text', (c) => c.notNull().unique())
    .addColumn('dingtalk_union_id', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('manager_id', 'integer', (c) => c.references('employees.id'))
    .addColumn('mobile', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('employees_department_idx').on('employees').column('department_id').execute();
  // Fan-out pages through active employees by id.
  await db.schema
    .createIndex('employees_active_id_idx')
    .on('employees')
    .column('id')
    .where(sql.ref('active'), '=', true)
    .execute();

  await db.schema
    .alterTable('departments')
    .addForeignKeyConstraint('departments_manager_fk', ['manager_id'], 'employees', ['id'])
    .execute();
  await db.schema
    .alterTable('departments')
    .addForeignKeyConstraint('departments_hr_contact_fk', ['hr_contact_id'], 'employees', ['id'])
    .execute();

  await db.schema
    .createTable('department_robots')
    .addColumn('department_id', 'integer', (c) =>
      c.primaryKey().references('departments.id').onDelete('cascade'),
    )
    .addColumn('webhook_token', 'text', (c) => c.notNull())
    .addColumn('signing_secret', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('checkin_policies')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('window_start', 'text', (c) => c.notNull().defaultTo('08:00'))
    .addColumn('window_end', 'text', (c) => c.notNull().defaultTo('16:00'))
    .addColumn('reminder_times', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{09:00,12:00,15:00}'`))
    .addColumn('late_submissions', 'text', (c) => c.notNull().defaultTo('accept'))
    .addColumn('late_grace_minutes', 'integer', (c) => c.notNull().defaultTo(480))
    .addColumn('ding_phone_call', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per employee per work date, created by the fan-out; the outcome is final at close.
  await db.schema
    .createTable('checkin_days')
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('work_date', 'date', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('level_reached', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('late_until', 'timestamptz', (c) => c.notNull())
    .addColumn('schedule', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('checkin_days_pk', ['employee_id', 'work_date'])
    .addCheckConstraint('checkin_days_outcome_ck', sql`outcome in ('pending','submitted','late','missed')`)
    .execute();
  await db.schema
    .createIndex('checkin_days_dept_date_idx')
    .on('checkin_days')
    .columns(['department_id', 'work_date', 'outcome'])
    .execute();
  await db.schema
    .createIndex('checkin_days_date_idx')
    .on('checkin_days')
    .columns(['work_date', 'outcome'])
    .execute();

  await db.schema
    .createTable('health_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('work_date', 'date', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('client_submitted_at', 'timestamptz')
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('health_records_employee_date_uq', ['employee_id', 'work_date'])
    .addUniqueConstraint('health_records_idempotency_uq', ['employee_id', 'idempotency_key'])
    .addCheckConstraint('health_records_status_ck', sql`status in ('on_time','late')`)
    .execute();
  await db.schema
    .createIndex('health_records_dept_date_idx')
    .on('health_records')
    .columns(['department_id', 'work_date'])
    .execute();

  await db.schema
    .createTable('reminders_sent')
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('work_date', 'date', (c) => c.notNull())
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('sending'))
    .addColumn('batch_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('error', 'text')
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('reminders_sent_pk', ['employee_id', 'work_date', 'level'])
    .addCheckConstraint('reminders_sent_status_ck', sql`status in ('sending','sent','skipped','failed')`)
    .execute();
  await db.schema
    .createIndex('reminders_sent_dept_date_idx')
    .on('reminders_sent')
    .columns(['department_id', 'work_date', 'level'])
    .execute();

  // Signals to workflows are written here in the submission's transaction and delivered after
  // commit; whatever Temporal misses is retried by the worker's drainer.
  await db.schema
    .createTable('signal_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('signal_name', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('signal_outbox_pending_idx')
    .on('signal_outbox')
    .column('next_attempt_at')
    .where(sql.ref('delivered_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'signal_outbox',
    'reminders_sent',
    'health_records',
    'checkin_days',
    'checkin_policies',
    'department_robots',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('departments').dropConstraint('departments_manager_fk').execute();
  await db.schema.alterTable('departments').dropConstraint('departments_hr_contact_fk').execute();
  await db.schema.dropTable('employees').execute();
  await db.schema.dropTable('departments').execute();
}
