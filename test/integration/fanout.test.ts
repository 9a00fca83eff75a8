// The daily fan-out: one workflow per active employee, paged, idempotent when run twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkinWorkflowId, digestWorkflowId } from '../../domain/workflow-ids.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

describe('daily fan-out', () => {
  test('starts one workflow per active employee, in pages, and is idempotent when run twice', async () => {
    const a = await ctx.department({ size: 9 });
    const b = await ctx.department({ size: 8, robot: false });
    const inactive = b.members[0];
    await ctx.db
      .updateTable('employees')
      .set({ active: false })
      .where('id', '=', inactive?.id ?? -1)
      .execute();
    const active = [a.manager, a.hr, ...a.members, b.manager, b.hr, ...b.members.slice(1)].filter(
      (e) => e !== null,
    );
    const workDate = '2031-03-03';

    const run = async (n: number) =>
      ctx.temporal.workflow.execute('dailyFanout', {
        taskQueue: ctx.config.temporal.taskQueue,
        workflowId: `fanout-test-${n}`,
        args: [{ workDate, batchSize: 5 }],
      }) as Promise<Record<string, unknown>>;

    const first = await run(1);
    // 2031 is beyond the holiday package: a plain Monday, with the calendar flagged as not covered.
    const day = {
      workDate,
      workday: true,
      dayName: 'weekday',
      calendarCovered: false,
      exempt: 0,
      settled: 0,
      done: true,
    };
    assert.deepEqual(first, { started: active.length, alreadyRunning: 0, ...day });
    const second = await run(2);
    assert.deepEqual(second, { started: 0, alreadyRunning: active.length, ...day });

    for (const e of active) {
      const d = await ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, e.id)).describe();
      assert.equal(d.type, 'dailyCheckin');
      assert.equal(d.typedSearchAttributes.getAll().find((p) => p.key.name === 'WorkDate')?.value, workDate);
    }
    await assert.rejects(
      ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, inactive?.id ?? -1)).describe(),
    );
    const days = await ctx.db
      .selectFrom('checkin_days')
      .select('employee_id')
      .where('work_date', '=', workDate)
      .execute();
    assert.equal(days.length, active.length);
    // The day is planned once from the policy: reminders at 09:00/12:00/15:00 Shanghai time.
    const d = await ctx.db
      .selectFrom('checkin_days')
      .selectAll()
      .where('work_date', '=', workDate)
      .limit(1)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      d.schedule.reminders.map((r) => r.at),
      ['2031-03-03T01:00:00.000Z', '2031-03-03T04:00:00.000Z', '2031-03-03T07:00:00.000Z'],
    );

    for (const e of active)
      await ctx.temporal.workflow.getHandle(checkinWorkflowId(workDate, e.id)).terminate('test done');
  });

  test('at window close each manager and HR contact gets one digest for their departments', async () => {
    const dept = await ctx.department({ size: 3 });
    const [sick, fine] = dept.members as [TestEmployee, TestEmployee];
    const run = ctx.temporal.workflow.execute('dailyFanout', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: 'fanout-digest',
      args: [{ timeScale: 1800 }], // today, 16 s window: both submissions land before the digest
    }) as Promise<{ workDate: string }>;
    const { workDate } = await run;
    assert.equal(
      (
        await ctx.submit(sick.id, {
          idempotencyKey: newKey(),
          answers: { ...validAnswers, temperature: 37.8 },
        })
      ).status,
      201,
    );
    assert.equal(
      (await ctx.submit(fine.id, { idempotencyKey: newKey(), answers: validAnswers })).status,
      201,
    );
    await ctx.temporal.workflow.getHandle(digestWorkflowId(workDate)).result();
    const digests = (userId: string) =>
      ctx.messages('work_notification', userId).filter((m) => m.title === `健康打卡日报 ${workDate}`);
    for (const who of [dept.manager, dept.hr as TestEmployee]) {
      const [d, ...more] = digests(who.userId);
      assert.equal(more.length, 0, 'one digest per person');
      // Manager and HR are employees of the department too, and did not submit.
      assert.ok(
        d?.text.includes(`**${dept.name}**：应打卡 5，已提交 2，未提交 3，异常 1，待复核 1`),
        d?.text,
      );
    }
    assert.equal(digests(fine.userId).length, 0);
  });
});
