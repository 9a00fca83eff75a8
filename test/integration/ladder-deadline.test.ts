// The department ladder always ends: a level DingTalk does not accept retries until the day's last
// moment to submit (`lateUntil`) and no longer; then who did not get it is recorded and the ladder
// ends. The short fault matrix once left a level-1 ladder retrying (backing off to a minute between
// attempts) long after its compressed day had closed; these cases pin that down without the matrix.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { departmentBatchWorkflowId } from '../../domain/workflow-ids.ts';
import { ReminderLevels } from '../../domain/reminders/ladder.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import type { FakeFault } from '../../dingtalk/fake-state.ts';
import type { DepartmentBatchResult } from '../../workflows/department-reminder-batch.ts';
import { TestContext, type TestDepartment } from '../helpers/context.ts';

/** one company hour = 1 s: level 1 at +1 s, close at +8 s, late submissions until +16 s */
const SCALE = 3600;
const WORK_NOTIFICATION = '/topapi/message/corpconversation/asyncsend_v2';

let ctx: TestContext;
let worker: ChildProcess;

before(async () => {
  // the day's own late window is the deadline (no real-time floor: a 16 s day, not 5 min)
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    env: { LADDER_DEADLINE_FLOOR_SECONDS: '0' },
  });
  worker = await ctx.spawnWorker();
});
after(async () => ctx.close());

/** The ladder's result, or a failure naming it if it is still running `graceMs` after `deadline`. */
async function ladderResult(
  workDate: string,
  dept: TestDepartment,
  level: number,
  deadline: string,
  graceMs = 60_000,
): Promise<DepartmentBatchResult> {
  const id = departmentBatchWorkflowId(workDate, dept.id, level as 1);
  const waitMs = Date.parse(deadline) + graceMs - Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      ctx.temporal.workflow.getHandle(id).result() as Promise<DepartmentBatchResult>,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${id} still running ${graceMs / 1000} s after its deadline`)),
          waitMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A DingTalk outage of work notifications (HTTP 503) until the returned function ends it. */
function workNotificationOutage(): () => void {
  const fault: FakeFault = { path: WORK_NOTIFICATION, httpStatus: 503, remaining: 1_000_000 };
  ctx.fake.state.faults.push(fault);
  return () => {
    fault.remaining = 0;
  };
}

const levelRows = async (workDate: string, dept: TestDepartment, level: number) =>
  (
    await listRemindersForDay(
      ctx.db,
      workDate,
      dept.members.map((e) => e.id),
    )
  ).filter((r) => r.level === level);

describe('the department ladder ends by its deadline', () => {
  test('a level DingTalk never accepts is recorded as not sent at the deadline, and its ladder ends', async () => {
    const dept = await ctx.department({ size: 3 });
    const s = await ctx.schedule(SCALE);
    const end = workNotificationOutage();
    try {
      await ctx.startDay(dept.members, s);
      const r = await ladderResult(s.workDate, dept, ReminderLevels.notifyEmployee, s.lateUntil);
      assert.equal(r.expired, true);
    } finally {
      end();
    }
    const rows = await levelRows(s.workDate, dept, ReminderLevels.notifyEmployee);
    assert.equal(rows.length, dept.members.length, 'a row for everyone owed the level');
    for (const row of rows) {
      assert.equal(row.status, 'failed');
      assert.match(row.error ?? '', /deadline/);
    }
    for (const e of dept.members) assert.equal(ctx.messages('work_notification', e.userId).length, 0);
    // The other levels were not held up by the one that failed.
    for (const level of [ReminderLevels.mentionManager, ReminderLevels.hrCallTask]) {
      const other = await ladderResult(s.workDate, dept, level, s.lateUntil);
      assert.equal(other.expired, undefined);
      assert.deepEqual(
        (await levelRows(s.workDate, dept, level)).map((x) => x.status),
        dept.members.map(() => 'sent'),
      );
    }
  });

  test('an outage that ends before the deadline delays the level; everyone gets it once', async () => {
    const dept = await ctx.department({ size: 3 });
    const s = await ctx.schedule(SCALE);
    const end = workNotificationOutage();
    await ctx.startDay(dept.members, s);
    // DingTalk refuses for three company hours after the instant, then answers again.
    await new Promise((r) => setTimeout(r, Date.parse(s.reminders[0]?.at ?? s.opensAt) + 3000 - Date.now()));
    end();
    const r = await ladderResult(s.workDate, dept, ReminderLevels.notifyEmployee, s.lateUntil);
    assert.equal(r.expired, undefined);
    const rows = await levelRows(s.workDate, dept, ReminderLevels.notifyEmployee);
    assert.deepEqual(
      rows.map((x) => x.status),
      dept.members.map(() => 'sent'),
    );
    for (const row of rows) assert.ok(row.sent_at && row.sent_at.getTime() <= Date.parse(s.lateUntil));
    for (const e of dept.members) assert.equal(ctx.messages('work_notification', e.userId).length, 1);
  });

  test('a worker dead across the deadline: the next one ends the ladder and records the level', async () => {
    const dept = await ctx.department({ size: 3 });
    const s = await ctx.schedule(SCALE);
    const end = workNotificationOutage();
    try {
      await ctx.startDay(dept.members, s);
      // The step is retrying when the worker dies; no worker until after the deadline.
      await new Promise((r) => setTimeout(r, Date.parse(s.closesAt) - Date.now()));
      await ctx.killWorker(worker, 'SIGKILL');
      await new Promise((r) => setTimeout(r, Date.parse(s.lateUntil) + 1000 - Date.now()));
      worker = await ctx.spawnWorker();
      const r = await ladderResult(s.workDate, dept, ReminderLevels.notifyEmployee, s.lateUntil);
      assert.equal(r.expired, true);
    } finally {
      end();
    }
    const rows = await levelRows(s.workDate, dept, ReminderLevels.notifyEmployee);
    assert.deepEqual(
      rows.map((x) => x.status),
      dept.members.map(() => 'failed'),
    );
    for (const e of dept.members) assert.equal(ctx.messages('work_notification', e.userId).length, 0);
  });
});
