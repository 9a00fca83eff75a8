// The reminder levels a check-in day skipped (nobody anywhere up the department tree to chase),
// read from reminders_sent by its primary key, so progress shows "skipped" instead of "sent".
import { sql } from 'kysely';

/** For a query over `checkin_days as c`: the day's skipped levels, ascending. */
export const skippedLevels = () =>
  sql<number[]>`array(select rs.level from reminders_sent rs
    where rs.employee_id = c.employee_id and rs.work_date = c.work_date and rs.status = 'skipped'
    order by rs.level)`.as('skipped_levels');
