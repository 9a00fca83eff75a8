// Rules every way of changing the org chart obeys (the CSV import and the admin edit alike).
import { z } from 'zod';

/** Department names are shown in lists, reminders and group messages: at most this many characters. */
export const DEPARTMENT_NAME_MAX = 100;
export const departmentName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(DEPARTMENT_NAME_MAX, `name must be at most ${DEPARTMENT_NAME_MAX} characters`);

/**
 * The cycle a department would sit in, following parents upwards from it: the chain that leads
 * back to `node` (node first), or null when the chain reaches a root. A cycle elsewhere in the
 * chain that does not include `node` ends the walk too (it is reported from its own members).
 */
export function parentCycle<K>(node: K, parentOf: (k: K) => K | null | undefined): K[] | null {
  const path = [node];
  const seen = new Set<K>(path);
  for (let p = parentOf(node); p !== null && p !== undefined; p = parentOf(p)) {
    if (p === node) return path;
    if (seen.has(p)) return null;
    seen.add(p);
    path.push(p);
  }
  return null;
}

/** Employee names, the same limit for the CSV import and the edit. */
export const EMPLOYEE_NAME_MAX = 50;
