// Work calendar overrides, leave and trips, part-time weekdays, time-zone overrides, policy
// versions (effective from a date) with per-department overrides, and the 'exempt' day outcome.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_overrides')
    .addColumn('date', 'date', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('calendar_overrides_kind_ck', sql`kind in ('workday','day_off')`)
    .execute();

  await db.schema
    .createTable('leaves')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_date', 'date', (c) => c.notNull())
    .addColumn('to_date', 'date', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('hr'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('leaves_kind_ck', sql`kind in ('leave','business_trip')`)
    .addCheckConstraint('leaves_range_ck', sql`from_date <= to_date`)
    .execute();
  await db.schema
    .createIndex('leaves_employee_range_idx')
    .on('leaves')
    .columns(['employee_id', 'from_date', 'to_date'])
    .execute();
  await db.schema.createIndex('leaves_range_idx').on('leaves').columns(['from_date', 'to_date']).execute();

  await db.schema
    .alterTable('employees')
    // ISO weekdays (1 = Monday) a part-timer works; null = every work day
    .addColumn('workdays', sql`smallint[]`)
    .addColumn('time_zone', 'text')
    .execute();
  await db.schema.alterTable('departments').addColumn('time_zone', 'text').execute();

  await db.schema
    .alterTable('checkin_policies')
    .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('cascade'))
    .addColumn('effective_from', 'date', (c) => c.notNull().defaultTo(sql`'2000-01-01'`))
    .addColumn('enabled_levels', sql`smallint[]`, (c) => c.notNull().defaultTo(sql`'{1,2,3}'`))
    .execute();
  await sql`create unique index checkin_policies_scope_from_uq
    on checkin_policies (coalesce(department_id, 0), effective_from)`.execute(db);

  await db.schema.alterTable('checkin_days').dropConstraint('checkin_days_outcome_ck').execute();
  await sql`alter table checkin_days add constraint checkin_days_outcome_ck
    check (outcome in ('pending','submitted','late','missed','exempt'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkin_days').dropConstraint('checkin_days_outcome_ck').execute();
  await sql`delete from checkin_days where outcome = 'exempt'`.execute(db);
  await sql`alter table checkin_days add constraint checkin_days_outcome_ck
    check (outcome in ('pending','submitted','late','missed'))`.execute(db);
  await sql`drop index checkin_policies_scope_from_uq`.execute(db);
  await db.schema
    .alterTable('checkin_policies')
    .dropColumn('department_id')
    .dropColumn('effective_from')
    .dropColumn('enabled_levels')
    .execute();
  await db.schema.alterTable('departments').dropColumn('time_zone').execute();
  await db.schema.alterTable('employees').dropColumn('workdays').dropColumn('time_zone').execute();
  await db.schema.dropTable('leaves').execute();
  await db.schema.dropTable('calendar_overrides').execute();
}
