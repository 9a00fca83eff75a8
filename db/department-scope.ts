// The departments a caller may see or touch: every one, or a list of ids (sub-departments already
// expanded). Repositories filter SQL by it; the API works it out per request from the roles.
export type DepartmentScope = 'all' | readonly number[];

/** Ids for an `in (…)` filter: an empty list matches nothing (`in ()` is not SQL). */
export const idsOrNone = (ids: readonly number[]): number[] => (ids.length ? [...ids] : [-1]);

/** Whether a department is inside a scope. */
export const inScopeOf = (scope: DepartmentScope, departmentId: number) =>
  scope === 'all' || scope.includes(departmentId);
