// Pre-aggregated daily figures per department for the dashboard (100k employees × 180 days must
// answer in milliseconds), kept exact by statement-level triggers on checkin_days and
// health_records, plus an index for today's open days (the live non-submitter list).
// Migrations never import app code: the SQL here is frozen as of this file.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Day columns count checkin_days rows by the day's department: expected = not exempt;
  // submitted = not exempt and with a current record; pending = outcome pending without one.
  // Record columns count current health_records by the record's department (the anomaly trend
  // also counts a record whose day was never planned).
  await sql`
    create table department_day_stats (
      work_date date not null,
      department_id integer not null,
      expected integer not null default 0,
      submitted integer not null default 0,
      pending integer not null default 0,
      missed integer not null default 0,
      exempt integer not null default 0,
      records integer not null default 0,
      warnings integer not null default 0,
      reds integer not null default 0,
      primary key (work_date, department_id)
    )`.execute(db);

  // The same figures recounted from the raw rows: fills the table here, rebuilds it after a bulk
  // load with the triggers off, and is what tests and the benchmark compare the table against.
  await sql`
    create function department_day_stats_recount(d_from date, d_to date)
    returns setof department_day_stats language sql stable as $$
      select work_date, department_id,
             sum(expected)::int, sum(submitted)::int, sum(pending)::int, sum(missed)::int,
             sum(exempt)::int, sum(records)::int, sum(warnings)::int, sum(reds)::int
      from (
        select c.work_date, c.department_id,
               (c.outcome <> 'exempt')::int as expected,
               (c.outcome <> 'exempt' and h.id is not null)::int as submitted,
               (c.outcome = 'pending' and h.id is null)::int as pending,
               (c.outcome = 'missed')::int as missed,
               (c.outcome = 'exempt')::int as exempt,
               0 as records, 0 as warnings, 0 as reds
        from checkin_days c
        left join health_records h
          on h.employee_id = c.employee_id and h.work_date = c.work_date and h.is_current
        where c.work_date between d_from and d_to
        union all
        select work_date, department_id, 0, 0, 0, 0, 0,
               1, (severity = 'warning')::int, (severity = 'red')::int
        from health_records
        where is_current and work_date between d_from and d_to
      ) x
      group by work_date, department_id
    $$`.execute(db);

  await sql`
    create function department_day_stats_rebuild() returns void language plpgsql as $$
    begin
      lock table checkin_days, health_records in share mode;
      delete from department_day_stats;
      insert into department_day_stats
        select * from department_day_stats_recount('-infinity', 'infinity');
    end $$`.execute(db);

  await sql`create type dds_day_change as
    (employee_id integer, work_date date, department_id integer, outcome text, sign integer)`.execute(db);
  await sql`create type dds_record_change as
    (employee_id integer, work_date date, department_id integer, is_current boolean, severity text,
     sign integer)`.execute(db);

  // Employee-days hash into a fixed number of advisory-lock buckets: the same day always takes the
  // same bucket (so a day change and a record change of one day serialise), and a bulk statement
  // takes at most DDS_BUCKETS locks however many rows it touches (a lock per row exhausted
  // Postgres's lock table on a 100k-row insert).
  await sql`
    create function dds_bucket(employee_id integer, work_date date) returns integer
    language sql immutable as $$
      select ((employee_id::bigint * 31 + (work_date - date '2000-01-01')) % 128)::integer
    $$`.execute(db);

  // A day row counted in (+1) or out (-1), judged with the day's current record as it stands.
  // The bucket lock serialises this with a record written for the same day in another
  // transaction (see dds_apply_records), so neither misses the other's change.
  await sql`
    create function dds_apply_days(changes dds_day_change[]) returns void language plpgsql as $$
    declare k record;
    begin
      if coalesce(cardinality(changes), 0) = 0 then return; end if;
      for k in select distinct dds_bucket(employee_id, work_date) as b from unnest(changes) order by 1 loop
        perform pg_advisory_xact_lock(4242, k.b);
      end loop;
      insert into department_day_stats as s
        (work_date, department_id, expected, submitted, pending, missed, exempt)
      select c.work_date, c.department_id,
             sum(c.sign * (c.outcome <> 'exempt')::int),
             sum(c.sign * (c.outcome <> 'exempt' and r.has)::int),
             sum(c.sign * (c.outcome = 'pending' and not r.has)::int),
             sum(c.sign * (c.outcome = 'missed')::int),
             sum(c.sign * (c.outcome = 'exempt')::int)
      from unnest(changes) c
      cross join lateral (
        select exists (select 1 from health_records h
                       where h.employee_id = c.employee_id and h.work_date = c.work_date
                         and h.is_current) as has
      ) r
      group by 1, 2
      order by 1, 2
      on conflict (work_date, department_id) do update set
        expected = s.expected + excluded.expected,
        submitted = s.submitted + excluded.submitted,
        pending = s.pending + excluded.pending,
        missed = s.missed + excluded.missed,
        exempt = s.exempt + excluded.exempt;
    end $$`.execute(db);

  // Records counted in or out. The day side changes by how many current records the day gained
  // (+1) or lost (-1). Locks follow one order everywhere — all day rows, then the buckets in
  // order, then stats rows (a day update holds its rows before its trigger runs) — so a submission
  // and a close of the same day cannot deadlock; the day is then read with a fresh snapshot.
  await sql`
    create function dds_apply_records(changes dds_record_change[]) returns void language plpgsql as $$
    declare k record;
    begin
      if coalesce(cardinality(changes), 0) = 0 then return; end if;
      for k in select employee_id, work_date from unnest(changes)
               group by 1, 2 having sum(sign * is_current::int) <> 0 order by 1, 2 loop
        perform 1 from checkin_days
          where employee_id = k.employee_id and work_date = k.work_date for no key update;
      end loop;
      for k in select distinct dds_bucket(employee_id, work_date) as b from unnest(changes)
               group by employee_id, work_date having sum(sign * is_current::int) <> 0 order by 1 loop
        perform pg_advisory_xact_lock(4242, k.b);
      end loop;
      insert into department_day_stats as s
        (work_date, department_id, submitted, pending, records, warnings, reds)
      select work_date, department_id,
             sum(submitted), sum(pending), sum(records), sum(warnings), sum(reds)
      from (
        select work_date, department_id, 0 as submitted, 0 as pending, sign as records,
               sign * (severity = 'warning')::int as warnings, sign * (severity = 'red')::int as reds
        from unnest(changes)
        where is_current
        union all
        select c.work_date, c.department_id,
               p.delta * (c.outcome <> 'exempt')::int, -p.delta * (c.outcome = 'pending')::int, 0, 0, 0
        from (select employee_id, work_date, sum(sign * is_current::int) as delta
              from unnest(changes) group by 1, 2) p
        join checkin_days c on c.employee_id = p.employee_id and c.work_date = p.work_date
        where p.delta <> 0
      ) x
      group by 1, 2
      order by 1, 2
      on conflict (work_date, department_id) do update set
        submitted = s.submitted + excluded.submitted,
        pending = s.pending + excluded.pending,
        records = s.records + excluded.records,
        warnings = s.warnings + excluded.warnings,
        reds = s.reds + excluded.reds;
    end $$`.execute(db);

  // Statement-level: the fan-out's insert of 500 days is one aggregated upsert, and updates that
  // change neither outcome nor department (the level reached, every reminder) cost nothing.
  await sql`
    create function dds_days_trigger() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform dds_apply_days(array(
          select row(employee_id, work_date, department_id, outcome, 1)::dds_day_change
          from new_rows));
      elsif tg_op = 'DELETE' then
        perform dds_apply_days(array(
          select row(employee_id, work_date, department_id, outcome, -1)::dds_day_change
          from old_rows));
      else
        perform dds_apply_days(array(
          select x.c from old_rows o
          full join new_rows n on n.employee_id = o.employee_id and n.work_date = o.work_date
          cross join lateral (values
            (case when o.employee_id is not null then
               row(o.employee_id, o.work_date, o.department_id, o.outcome, -1)::dds_day_change end),
            (case when n.employee_id is not null then
               row(n.employee_id, n.work_date, n.department_id, n.outcome, 1)::dds_day_change end)
          ) x(c)
          where x.c is not null
            and (o.employee_id is null or n.employee_id is null
                 or o.outcome is distinct from n.outcome or o.department_id <> n.department_id)));
      end if;
      return null;
    end $$`.execute(db);

  await sql`
    create function dds_records_trigger() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform dds_apply_records(array(
          select row(employee_id, work_date, department_id, is_current, severity, 1)::dds_record_change
          from new_rows));
      elsif tg_op = 'DELETE' then
        perform dds_apply_records(array(
          select row(employee_id, work_date, department_id, is_current, severity, -1)::dds_record_change
          from old_rows));
      else
        perform dds_apply_records(array(
          select x.c from old_rows o
          full join new_rows n on n.id = o.id
          cross join lateral (values
            (case when o.id is not null then
               row(o.employee_id, o.work_date, o.department_id, o.is_current, o.severity, -1)::dds_record_change end),
            (case when n.id is not null then
               row(n.employee_id, n.work_date, n.department_id, n.is_current, n.severity, 1)::dds_record_change end)
          ) x(c)
          where x.c is not null
            and (o.id is null or n.id is null
                 or o.is_current is distinct from n.is_current or o.severity is distinct from n.severity
                 or o.department_id <> n.department_id or o.employee_id <> n.employee_id
                 or o.work_date <> n.work_date)));
      end if;
      return null;
    end $$`.execute(db);

  for (const [table, fn] of [
    ['checkin_days', 'dds_days_trigger'],
    ['health_records', 'dds_records_trigger'],
  ] as const) {
    await sql`create trigger ${sql.raw(`${table}_dds_insert`)} after insert on ${sql.table(table)}
      referencing new table as new_rows for each statement execute function ${sql.raw(fn)}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_dds_update`)} after update on ${sql.table(table)}
      referencing old table as old_rows new table as new_rows
      for each statement execute function ${sql.raw(fn)}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_dds_delete`)} after delete on ${sql.table(table)}
      referencing old table as old_rows for each statement execute function ${sql.raw(fn)}()`.execute(db);
  }

  await sql`select department_day_stats_rebuild()`.execute(db);

  // Today's open days, most chased first: the live list reads a page of this, not every row.
  await sql`create index checkin_days_open_idx on checkin_days
    (work_date, level_reached desc, department_id, employee_id)
    where outcome in ('pending', 'missed')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index checkin_days_open_idx`.execute(db);
  for (const table of ['checkin_days', 'health_records']) {
    for (const op of ['insert', 'update', 'delete']) {
      await sql`drop trigger ${sql.raw(`${table}_dds_${op}`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function dds_days_trigger(), dds_records_trigger(),
    dds_apply_days(dds_day_change[]), dds_apply_records(dds_record_change[]),
    department_day_stats_rebuild(), department_day_stats_recount(date, date),
    dds_bucket(integer, date)`.execute(db);
  await sql`drop type dds_day_change, dds_record_change`.execute(db);
  await sql`drop table department_day_stats`.execute(db);
}
