// A fan-out run again for the same date (late, twice, or for a new hire) starts only what nobody
// started: no second day workflow, no second digest; a check-in before the fan-out settles the day.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkinWorkflowId, digestWorkflowId } from '../../domain/workflow-ids.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

interface FanoutResult {
  workDate: string;
  started: number;
  alreadyRunning: number;
  settled: number;
}

/** Submitted on time or late: which one depends on the company clock when the suite runs. */
const assertAnswered = (outcome: string, message = 'the day is answered') =>
  assert.ok(outcome === 'submitted' || outcome === 'late', `${message} (got ${outcome})`);

let runs = 0;
/** Today's fan-out; at 3600 the 8-hour window passes in about 8 s. */
const fanout = (timeScale: number) =>
  ctx.temporal.workflow.execute('dailyFanout', {
    taskQueue: ctx.config.temporal.taskQueue,
    workflowId: `fanout-rerun-${++runs}`,
    args: [{ timeScale }],
  }) as Promise<FanoutResult>;

const today = async (employeeId: number) => {
  const res = await fetch(`${ctx.apiUrl}/api/me/today`, {
    headers: { authorization: `Bearer ${ctx.token(employeeId)}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: { outcome: string }; record: unknown };
};

describe('fan-out run again', () => {
  test('a check-in before the fan-out settles the day; a second run starts nothing, a new hire only', async () => {
    const dept = await ctx.department({ size: 2 });
    const [early, late] = dept.members as [TestEmployee, TestEmployee];
    const everyone = [dept.manager, dept.hr as TestEmployee, early, late];
    const submitted = await ctx.submit(early.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(submitted.status, 201);

    const first = await fanout(3600);
    const { workDate } = first;
    assert.deepEqual([first.started, first.alreadyRunning, first.settled], [3, 0, 1]);
    const day = (id: number) =>
      ctx.db
        .selectFrom('checkin_days')
        .select('outcome')
        .where('employee_id', '=', id)
        .where('work_date', '=', workDate)
        .executeTakeFirstOrThrow();
    assertAnswered((await day(early.id)).outcome, 'the day starts as submitted');
    const page = await today(early.id);
    assertAnswered(page.status.outcome);
    assert.ok(page.record);
    await assert.rejects(
      ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, early.id)).describe(),
      'no workflow for a day already submitted',
    );

    // Let every day and the digest finish, then run the fan-out again.
    const others = everyone.filter((e) => e !== early);
    for (const e of others) assert.equal((await ctx.dayResult(workDate, e.id)).outcome, 'missed');
    const digest = ctx.temporal.workflow.getHandle(digestWorkflowId(workDate));
    await digest.result();
    const digestRun = (await digest.describe()).runId;
    const dayRuns = await Promise.all(
      others.map(
        async (e) =>
          (await ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, e.id)).describe()).runId,
      ),
    );
    const digests = () =>
      ctx
        .messages('work_notification', dept.manager.userId)
        .filter((m) => m.title === `健康打卡日报 ${workDate}`);
    assert.equal(digests().length, 1);

    // A hire added mid-day: the one day nobody started yet.
    const userId = `u-hire-${newKey()}`;
    const hire = await ctx.db
      .insertInto('employees')
      .values({ dingtalk_user_id: userId, name: '新员工', department_id: dept.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    ctx.fake.state.directory.set(userId, { userid: userId, unionid: `union-${userId}`, name: '新员工' });
    // (a slow day this time, so it is still running at the third run)
    const second = await fanout(100);
    assert.deepEqual([second.started, second.alreadyRunning, second.settled], [1, 0, 4]);
    assert.equal((await day(hire.id)).outcome, 'pending');
    const third = await fanout(100);
    assert.deepEqual([third.started, third.alreadyRunning, third.settled], [0, 1, 4], 'while it still runs');

    assert.equal((await digest.describe()).runId, digestRun, 'no second digest');
    for (const [i, e] of others.entries()) {
      const d = await ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, e.id)).describe();
      assert.deepEqual([d.runId, d.status.name], [dayRuns[i], 'COMPLETED'], 'no second day');
    }
    assertAnswered((await day(early.id)).outcome);
    assert.equal(digests().length, 1, 'managers get one 日报');
    await ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, hire.id)).terminate('test done');
  });

  test('a check-in racing the fan-out: the day workflow settles the row from the record', async () => {
    const dept = await ctx.department({ size: 1, hr: false, robot: false });
    const e = dept.members[0] as TestEmployee;
    // The fan-out inserted the row before the submission committed, so the submission's own
    // update found nothing to change: modelled by a record whose day row is still pending.
    const s = await ctx.schedule(3600);
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    await ctx.db.deleteFrom('checkin_days').where('employee_id', '=', e.id).execute();
    await ctx.db
      .insertInto('checkin_days')
      .values({
        employee_id: e.id,
        department_id: dept.id,
        work_date: s.workDate,
        opens_at: s.opensAt,
        closes_at: s.closesAt,
        late_until: s.lateUntil,
        schedule: JSON.stringify(s),
      })
      .execute();
    await ctx.startDay([e], s);
    assertAnswered((await ctx.dayResult(s.workDate, e.id)).outcome);
    assertAnswered((await today(e.id)).status.outcome);
  });
});
