// Who decides and who is chased, walking up the department tree: the rule notifications, reminder
// levels 2 and 3 and the decision permission share.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  awaitedReviewers,
  chainOf,
  mayDecide,
  resolveReviewers,
  type DepartmentLink,
  type Routing,
} from '../../domain/reviewer-routing.ts';
import { reminderProgressText } from '../../domain/reminders/progress.ts';

// 1 company (HR contact 11) ─ 2 sales (manager 20) ─ 3 east team (nobody, imported from DingTalk)
const tree = new Map<number, DepartmentLink>([
  [1, { id: 1, parentId: null, managerId: null, hrContactId: 11 }],
  [2, { id: 2, parentId: 1, managerId: 20, hrContactId: null }],
  [3, { id: 3, parentId: 2, managerId: null, hrContactId: null }],
]);
const routing = (start: number, companyHr: number[] = [90]): Routing => ({
  chain: chainOf(tree, start),
  companyHr,
});

describe('reviewer routing', () => {
  test('a sub-team without its own manager goes to the nearest manager up the tree', () => {
    assert.deepEqual(resolveReviewers(routing(3), 'manager', 300), {
      source: 'manager',
      departmentId: 2,
      inherited: true,
      employeeIds: [20],
    });
    assert.deepEqual(resolveReviewers(routing(2), 'manager', 300).inherited, false);
  });

  test('escalation (and level 3) goes to the nearest HR contact, else company-wide HR, else nobody', () => {
    assert.deepEqual(resolveReviewers(routing(3), 'hr', 300).employeeIds, [11]);
    const noHr: Routing = {
      chain: chainOf(tree, 3).map((d) => ({ ...d, hrContactId: null })),
      companyHr: [90, 91],
    };
    assert.deepEqual(resolveReviewers(noHr, 'hr', 300), {
      source: 'company_hr',
      departmentId: null,
      inherited: false,
      employeeIds: [90, 91],
    });
    assert.equal(resolveReviewers({ chain: noHr.chain, companyHr: [] }, 'hr', 300).source, 'none');
  });

  test('without any manager the first reviewer is the nearest HR contact', () => {
    const noManagers: Routing = {
      chain: chainOf(tree, 3).map((d) => ({ ...d, managerId: null })),
      companyHr: [],
    };
    assert.deepEqual(resolveReviewers(noManagers, 'manager', 300).employeeIds, [11]);
  });

  test('nobody reviews themselves: a manager’s own anomaly goes one step further', () => {
    assert.deepEqual(resolveReviewers(routing(2), 'manager', 20).employeeIds, [11]);
    assert.equal(mayDecide(routing(2), 20, 20, true), false);
  });

  test('whoever is notified may decide; HR after escalation; company-wide HR always after escalation', () => {
    const r = routing(3);
    assert.equal(mayDecide(r, 20, 300, false), true);
    assert.equal(mayDecide(r, 11, 300, false), false, 'HR waits for the escalation');
    assert.equal(mayDecide(r, 90, 300, false), false);
    assert.equal(mayDecide(r, 11, 300, true), true);
    assert.equal(mayDecide(r, 90, 300, true), true, 'company-wide HR decides any escalated review');
    assert.equal(mayDecide(r, 55, 300, true), false);
    assert.deepEqual(
      awaitedReviewers(r, 300, true).map((w) => [w.source, w.employeeIds]),
      [
        ['manager', [20]],
        ['hr_contact', [11]],
        ['company_hr', [90]],
      ],
    );
  });

  test('a cycle in imported parent ids ends the walk instead of hanging', () => {
    const cyclic = new Map<number, DepartmentLink>([
      [7, { id: 7, parentId: 8, managerId: null, hrContactId: null }],
      [8, { id: 8, parentId: 7, managerId: null, hrContactId: null }],
    ]);
    assert.deepEqual(
      chainOf(cyclic, 7).map((d) => d.id),
      [7, 8],
    );
  });

  test('report cells say which levels were skipped instead of counting them as sent', () => {
    assert.equal(reminderProgressText(3, []), 3);
    assert.equal(reminderProgressText(3, [2, 3]), '3（跳过 skipped: 2, 3）');
  });
});
