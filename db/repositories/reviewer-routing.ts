// The facts domain/reviewer-routing.ts decides on: a department's chain up to the root (inactive
// managers and HR contacts count as absent) and the company-wide HR, plus how to reach people.
import { sql } from 'kysely';
import type { DB } from '../connect.ts';
import {
  resolveReviewers,
  type DepartmentLink,
  type Routing,
  type Stage,
} from '../../domain/reviewer-routing.ts';

export async function loadRouting(db: DB, departmentId: number): Promise<Routing> {
  const [chain, companyHr] = await Promise.all([
    sql<DepartmentLink & { depth: number }>`
      with recursive up(id, parent_id, manager_id, hr_contact_id, depth) as (
        select id, parent_id, manager_id, hr_contact_id, 0 from departments where id = ${departmentId}
        union all
        select d.id, d.parent_id, d.manager_id, d.hr_contact_id, up.depth + 1
        from departments d join up on d.id = up.parent_id
        where up.depth < 64
      )
      select up.id, up.parent_id as "parentId", up.depth,
        case when m.active then up.manager_id end as "managerId",
        case when h.active then up.hr_contact_id end as "hrContactId"
      from up
      left join employees m on m.id = up.manager_id
      left join employees h on h.id = up.hr_contact_id
      order by up.depth`.execute(db),
    db
      .selectFrom('role_grants as g')
      .innerJoin('employees as e', 'e.id', 'g.employee_id')
      .select('e.id')
      .where('g.role', '=', 'hr')
      .where('g.all_departments', '=', true)
      .where('e.active', '=', true)
      .orderBy('e.id')
      .execute(),
  ]);
  return {
    chain: chain.rows.map(({ id, parentId, managerId, hrContactId }) => ({
      id,
      parentId,
      managerId,
      hrContactId,
    })),
    companyHr: companyHr.map((r) => r.id),
  };
}

/** Names and DingTalk ids of the people a routing names, in the given order. */
export async function findReachablePeople(db: DB, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('employees')
    .select(['id', 'name', 'dingtalk_user_id', 'dingtalk_union_id'])
    .where('id', 'in', [...ids])
    .execute();
  return ids.flatMap((id) => rows.filter((r) => r.id === id));
}

/** The people notified at a stage, with how to reach them. */
export async function reviewersFor(db: DB, departmentId: number, stage: Stage, subject: number | null) {
  const reviewers = resolveReviewers(await loadRouting(db, departmentId), stage, subject);
  return { ...reviewers, people: await findReachablePeople(db, reviewers.employeeIds) };
}
