// What a review page shows: the readings that caused the review (and its rechecks), who decided,
// who it waits for (found up the department tree), whether the caller may decide, and the names
// its history refers to.
import { renderAnswers } from '../../domain/forms/render-answers.ts';
import { awaitedReviewers, mayDecide, type Routing } from '../../domain/reviewer-routing.ts';
import type { DB } from '../../db/connect.ts';
import type { Review } from '../../db/database.ts';
import { findFormVersion } from '../../db/repositories/forms.ts';
import { findDepartmentNames } from '../../db/repositories/org.ts';
import { recordsOfDaySince } from '../../db/repositories/records.ts';
import { findReachablePeople, loadRouting } from '../../db/repositories/reviewer-routing.ts';

const open = (s: Review['status']) => s === 'pending' || s === 'recheck_requested';

/** Whether `deciderId` may decide the review now (the rule recordDecision enforces). */
export async function reviewDecidableBy(db: DB, review: Review, deciderId: number, routing?: Routing) {
  if (!open(review.status)) return false;
  return mayDecide(
    routing ?? (await loadRouting(db, review.department_id)),
    deciderId,
    review.employee_id,
    review.escalated,
  );
}

async function readings(db: DB, review: Review) {
  const rows = await recordsOfDaySince(db, review.employee_id, review.work_date, review.record_id);
  return Promise.all(
    rows.map(async (r) => {
      const form = r.form_version === null ? undefined : await findFormVersion(db, r.form_version);
      return {
        recordId: r.id,
        submittedAt: r.submitted_at,
        severity: r.severity,
        current: r.id === review.current_record_id,
        reasons: r.reasons.map((x) => x.text),
        answers: form ? renderAnswers(form.definition, r.answers) : [],
      };
    }),
  );
}

/** The names a page needs beyond the review's own employee and department (which the row carries). */
async function namesOf(db: DB, departmentIds: number[], employeeIds: number[]) {
  const [depts, people] = await Promise.all([
    departmentIds.length === 0 ? [] : findDepartmentNames(db, departmentIds),
    employeeIds.length === 0 ? [] : findReachablePeople(db, employeeIds),
  ]);
  return {
    departments: new Map(depts.map((d) => [d.id, d.name])),
    people: Object.fromEntries(people.map((p) => [p.id, p.name])) as Record<number, string>,
  };
}

/** The review (as the list shows it, with its employee's and department's names) and its page. */
export async function reviewPage<R extends Review & { employee_name: string; department_name: string }>(
  db: DB,
  review: R,
  callerId: number | null,
  callerMayDecide: boolean,
) {
  const routing = await loadRouting(db, review.department_id);
  const waitingFor =
    review.status === 'pending' ? awaitedReviewers(routing, review.employee_id, review.escalated) : [];
  const ids = new Set<number>();
  if (review.decider_id) ids.add(review.decider_id);
  for (const w of waitingFor) w.employeeIds.forEach((id) => ids.add(id));
  for (const h of review.history) {
    if (h.actorId) ids.add(h.actorId);
    h.to?.forEach((id) => ids.add(id));
  }
  ids.delete(review.employee_id);
  const names = await namesOf(
    db,
    [...new Set(waitingFor.map((w) => w.departmentId))].filter(
      (id): id is number => id !== null && id !== review.department_id,
    ),
    [...ids],
  );
  names.departments.set(review.department_id, review.department_name);
  const people = { ...names.people, [review.employee_id]: review.employee_name };
  return {
    ...review,
    decider_name: review.decider_id ? (people[review.decider_id] ?? null) : null,
    readings: await readings(db, review),
    waiting_for: waitingFor.map((w) => ({
      source: w.source,
      inherited: w.inherited,
      department_name: w.departmentId === null ? null : (names.departments.get(w.departmentId) ?? null),
      people: w.employeeIds.map((id) => ({ id, name: people[id] ?? '' })),
    })),
    can_decide:
      callerMayDecide && callerId !== null && (await reviewDecidableBy(db, review, callerId, routing)),
    people,
  };
}
