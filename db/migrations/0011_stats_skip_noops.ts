// The day trigger's upsert skips departments whose figures did not change. A submission marks its
// day submitted after inserting the record, a change that moves no count (the record already made
// the day count as submitted); writing those zeros anyway took the department's stats row lock for
// nothing, and bench/stats-triggers.ts showed submissions paying for it. Same body as 0009 with a
// `having`; migrations never import app code, so the SQL is repeated here, frozen.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function dds_apply_days(changes dds_day_change[]) returns void language plpgsql as $$
    declare k record;
    begin
      if coalesce(cardinality(changes), 0) = 0 then return; end if;
      for k in select distinct dds_bucket(employee_id, work_date) as b from unnest(changes) order by 1 loop
        perform pg_advisory_xact_lock(4242, k.b);
      end loop;
      insert into department_day_stats as s
        (work_date, department_id, expected, submitted, pending, missed, exempt)
      select work_date, department_id, expected, submitted, pending, missed, exempt
      from (
        select c.work_date, c.department_id,
               sum(c.sign * (c.outcome <> 'exempt')::int) as expected,
               sum(c.sign * (c.outcome <> 'exempt' and r.has)::int) as submitted,
               sum(c.sign * (c.outcome = 'pending' and not r.has)::int) as pending,
               sum(c.sign * (c.outcome = 'missed')::int) as missed,
               sum(c.sign * (c.outcome = 'exempt')::int) as exempt
        from unnest(changes) c
        cross join lateral (
          select exists (select 1 from health_records h
                         where h.employee_id = c.employee_id and h.work_date = c.work_date
                           and h.is_current) as has
        ) r
        group by 1, 2
      ) d
      where (expected, submitted, pending, missed, exempt) <> (0, 0, 0, 0, 0)
      order by 1, 2
      on conflict (work_date, department_id) do update set
        expected = s.expected + excluded.expected,
        submitted = s.submitted + excluded.submitted,
        pending = s.pending + excluded.pending,
        missed = s.missed + excluded.missed,
        exempt = s.exempt + excluded.exempt;
    end $$`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the function only skips writes of zeros, so 0009's body and this one keep
  // the same figures.
}
