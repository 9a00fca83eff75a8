// Versioned forms, severity on records, recheck revisions, reviews, and outbox starts.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('forms')
    .addColumn('version', 'serial', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addCheckConstraint('forms_status_ck', sql`status in ('draft','published','retired')`)
    .execute();
  // At most one published form at a time; publishing retires the previous one.
  await db.schema
    .createIndex('forms_one_published_uq')
    .on('forms')
    .column('status')
    .unique()
    .where(sql.ref('status'), '=', 'published')
    .execute();

  await db.schema
    .alterTable('health_records')
    .addColumn('form_version', 'integer', (c) => c.references('forms.version'))
    .addColumn('severity', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('is_current', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('recheck_of', 'bigint', (c) => c.references('health_records.id'))
    .execute();
  await sql`alter table health_records add constraint health_records_severity_ck check (severity in ('normal','warning','red'))`.execute(
    db,
  );
  // A recheck adds a new record for the same day; only the current one is unique per day.
  await db.schema.alterTable('health_records').dropConstraint('health_records_employee_date_uq').execute();
  await db.schema
    .createIndex('health_records_current_uq')
    .on('health_records')
    .columns(['employee_id', 'work_date'])
    .unique()
    .where(sql.ref('is_current'), '=', true)
    .execute();
  await db.schema
    .createIndex('health_records_dept_date_severity_idx')
    .on('health_records')
    .columns(['department_id', 'work_date', 'severity'])
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('record_id', 'bigint', (c) => c.notNull().unique().references('health_records.id'))
    .addColumn('current_record_id', 'bigint', (c) => c.notNull().references('health_records.id'))
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('work_date', 'date', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('escalated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('decider_id', 'integer', (c) => c.references('employees.id'))
    .addColumn('decision', 'text')
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('history', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'reviews_status_ck',
      sql`status in ('pending','recheck_requested','approved','rejected')`,
    )
    .execute();
  await db.schema
    .createIndex('reviews_dept_status_idx')
    .on('reviews')
    .columns(['department_id', 'status', 'work_date'])
    .execute();
  await db.schema
    .createIndex('reviews_status_date_idx')
    .on('reviews')
    .columns(['status', 'work_date'])
    .execute();

  await db.schema
    .alterTable('signal_outbox')
    .addColumn('action', 'text', (c) => c.notNull().defaultTo('signal'))
    .addColumn('workflow_type', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signal_outbox').dropColumn('action').dropColumn('workflow_type').execute();
  await db.schema.dropTable('reviews').execute();
  await db.schema.dropIndex('health_records_current_uq').execute();
  await db.schema.dropIndex('health_records_dept_date_severity_idx').execute();
  await db.schema
    .alterTable('health_records')
    .dropColumn('form_version')
    .dropColumn('severity')
    .dropColumn('reasons')
    .dropColumn('is_current')
    .dropColumn('recheck_of')
    .execute();
  await db.schema
    .alterTable('health_records')
    .addUniqueConstraint('health_records_employee_date_uq', ['employee_id', 'work_date'])
    .execute();
  await db.schema.dropTable('forms').execute();
}
