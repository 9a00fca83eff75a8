// Who decides a department's reviews and who is chased about its missing check-ins. Sub-teams
// imported from DingTalk often have no manager or HR contact of their own, so the answer walks up
// the department tree: the nearest manager, else the nearest HR contact, else company-wide HR.
// The notifications, the reminder levels and the decision permission all ask this one function,
// so whoever is told about a review is also allowed to decide it.

export interface DepartmentLink {
  id: number;
  parentId: number | null;
  /** null when the department has none, or that person is no longer active */
  managerId: number | null;
  hrContactId: number | null;
}

/** The department itself first, then its parent, up to the root. */
export type DepartmentChain = readonly DepartmentLink[];

export interface Routing {
  chain: DepartmentChain;
  /** active employees holding the company-wide HR grant */
  companyHr: readonly number[];
}

/** `manager`: the first reviewer (and reminder level 2); `hr`: the escalation (and level 3). */
export type Stage = 'manager' | 'hr';

export type ReviewerSource = 'manager' | 'hr_contact' | 'company_hr' | 'none';

export interface Reviewers {
  source: ReviewerSource;
  /** the department whose manager or HR contact it is (null for company-wide HR or nobody) */
  departmentId: number | null;
  /** true when the person belongs to an ancestor department, not the department itself */
  inherited: boolean;
  employeeIds: number[];
}

const NOBODY: Reviewers = { source: 'none', departmentId: null, inherited: false, employeeIds: [] };

/** The chain from `start` up through parent_id (a cycle in imported data stops the walk). */
export function chainOf(departments: ReadonlyMap<number, DepartmentLink>, start: number): DepartmentLink[] {
  const chain: DepartmentLink[] = [];
  const seen = new Set<number>();
  for (let d = departments.get(start); d && !seen.has(d.id); d = departments.get(d.parentId ?? NaN)) {
    seen.add(d.id);
    chain.push(d);
  }
  return chain;
}

function nearest(
  chain: DepartmentChain,
  pick: (d: DepartmentLink) => number | null,
  source: ReviewerSource,
  exclude: number | null,
): Reviewers | null {
  for (const [i, d] of chain.entries()) {
    const id = pick(d);
    if (id !== null && id !== exclude)
      return { source, departmentId: d.id, inherited: i > 0, employeeIds: [id] };
  }
  return null;
}

/**
 * Who is notified at a stage. `subject` (the reviewed or reminded employee) is never their own
 * reviewer: a manager's own anomaly goes to the next one up.
 */
export function resolveReviewers(routing: Routing, stage: Stage, subject: number | null = null): Reviewers {
  const companyHr = routing.companyHr.filter((id) => id !== subject);
  return (
    (stage === 'manager' ? nearest(routing.chain, (d) => d.managerId, 'manager', subject) : null) ??
    nearest(routing.chain, (d) => d.hrContactId, 'hr_contact', subject) ??
    (companyHr.length
      ? { source: 'company_hr', departmentId: null, inherited: false, employeeIds: companyHr }
      : NOBODY)
  );
}

/**
 * Whether `deciderId` may decide a review of `subject`: whoever the review was routed to; after
 * escalation also the HR it was escalated to and, always, company-wide HR.
 */
export function mayDecide(routing: Routing, deciderId: number, subject: number, escalated: boolean): boolean {
  if (deciderId === subject) return false;
  if (resolveReviewers(routing, 'manager', subject).employeeIds.includes(deciderId)) return true;
  return (
    escalated &&
    (resolveReviewers(routing, 'hr', subject).employeeIds.includes(deciderId) ||
      routing.companyHr.includes(deciderId))
  );
}

/** Who the review waits for now: the first reviewer, or after escalation the first reviewer and HR. */
export function awaitedReviewers(routing: Routing, subject: number, escalated: boolean): Reviewers[] {
  const first = resolveReviewers(routing, 'manager', subject);
  if (!escalated) return [first];
  const hr = resolveReviewers(routing, 'hr', subject);
  const companyHr = routing.companyHr.filter((id) => id !== subject);
  const out = [first];
  if (hr.source !== 'none' && hr.employeeIds.some((id) => !first.employeeIds.includes(id))) out.push(hr);
  if (hr.source !== 'company_hr' && first.source !== 'company_hr' && companyHr.length)
    out.push({ source: 'company_hr', departmentId: null, inherited: false, employeeIds: companyHr });
  return out.filter((r) => r.source !== 'none');
}
