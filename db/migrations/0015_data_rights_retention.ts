// Data subject rights and minimisation (PIPL): employees' correction and deletion requests that HR
// decides; the company's privacy settings (retention per data class, location precision, the grace
// period before a departed employee's health data is deleted); the moment an employee was
// deactivated, kept by a trigger whatever path deactivated them (admin edit, CSV import, DingTalk
// sync), which also writes the outbox row that starts (or wakes) the departure workflow; the
// stated purpose of an export; the moment a record's locations were removed by retention.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_settings')
    // one row for the company
    .addColumn('id', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    // null: the configured default (RECORD_RETENTION_DAYS, AUDIT_RETENTION_DAYS); photos and
    // locations default to the records' period
    .addColumn('record_retention_days', 'integer', (c) =>
      c.check(sql`record_retention_days between 1 and 3650`),
    )
    .addColumn('photo_retention_days', 'integer', (c) =>
      c.check(sql`photo_retention_days between 1 and 3650`),
    )
    .addColumn('location_retention_days', 'integer', (c) =>
      c.check(sql`location_retention_days between 1 and 3650`),
    )
    .addColumn('audit_retention_days', 'integer', (c) =>
      c.check(sql`audit_retention_days between 1 and 3650`),
    )
    // null: exact coordinates; else decimals kept (3 ≈ 110 m)
    .addColumn('location_decimals', 'integer', (c) => c.check(sql`location_decimals between 0 and 6`))
    // null: the configured default (DEPARTED_DATA_GRACE_DAYS)
    .addColumn('departed_grace_days', 'integer', (c) => c.check(sql`departed_grace_days between 0 and 3650`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('data_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('employee_id', 'integer', (c) => c.notNull().references('employees.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('correction', 'deletion')`))
    // no foreign key: an approved deletion removes the record the request named
    .addColumn('record_id', 'bigint')
    // the employee's words may describe their health: sealed like the answers
    .addColumn('message_ct', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'rejected')`),
    )
    .addColumn('escalated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('decided_by', 'text')
    .addColumn('decider_employee_id', 'integer')
    .addColumn('reason', 'text')
    .addColumn('decided_at', 'timestamptz')
    // what an approval did: counts of what was deleted, the keys a correction changed
    .addColumn('outcome', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('data_requests_employee_idx')
    .on('data_requests')
    .columns(['employee_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('data_requests_status_idx')
    .on('data_requests')
    .columns(['status', 'id'])
    .execute();

  await db.schema.alterTable('employees').addColumn('deactivated_at', 'timestamptz').execute();
  await db.schema.alterTable('exports').addColumn('purpose', 'text').execute();
  await db.schema.alterTable('health_records').addColumn('locations_removed_at', 'timestamptz').execute();

  // Whatever deactivates an employee (the admin edit, the CSV import, a DingTalk sync, plain SQL),
  // the time is kept and the departure workflow is started through the outbox in the same
  // transaction; a reactivation clears it and wakes the workflow, which re-reads the row.
  await sql`
    create function employees_departure() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.active is distinct from old.active then
        if new.active then
          new.deactivated_at := null;
          insert into signal_outbox (action, workflow_id, signal_name, workflow_type, payload)
          values ('signal', 'departure-' || new.id, 'departureChanged', null, '{}'::jsonb);
        else
          new.deactivated_at := now();
          insert into signal_outbox (action, workflow_id, signal_name, workflow_type, payload)
          values ('start', 'departure-' || new.id, '', 'employeeDeparture',
                  jsonb_build_object('employeeId', new.id));
        end if;
      elsif tg_op = 'INSERT' and not new.active then
        new.deactivated_at := coalesce(new.deactivated_at, now());
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger employees_departure before insert or update of active on employees
    for each row execute function employees_departure()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger employees_departure on employees`.execute(db);
  await sql`drop function employees_departure()`.execute(db);
  await db.schema.alterTable('health_records').dropColumn('locations_removed_at').execute();
  await db.schema.alterTable('exports').dropColumn('purpose').execute();
  await db.schema.alterTable('employees').dropColumn('deactivated_at').execute();
  await db.schema.dropTable('data_requests').execute();
  await db.schema.dropTable('privacy_settings').execute();
}
