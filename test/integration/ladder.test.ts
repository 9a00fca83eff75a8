// The reminder ladder end to end: real Temporal, real Postgres, the DingTalk fake, the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { findDay } from '../../db/repositories/checkin-days.ts';
import { statusQuery, submitSignal } from '../../workflows/messages.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

// One compressed hour = 2 s: reminders at +2 s, +8 s, +14 s, window closes at +16 s.
/** levels at +2 s, +8 s, +14 s, close at +16 s: for days that run their whole course */
const SCALE = 1800;
/** level 1 at +12 s: for a submission that must land before the first reminder on a busy machine */
const BEFORE_LEVEL_1 = 300;
/** levels 12 s apart: for a submission that must land between two reminders */
const BETWEEN_LEVELS = 900;
let ctx: TestContext;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

const result = (workDate: string, e: TestEmployee) => ctx.dayResult(workDate, e.id);
const sentLevels = async (workDate: string, e: TestEmployee) =>
  (await listRemindersForDay(ctx.db, workDate, [e.id]))
    .filter((r) => r.status === 'sent')
    .map((r) => r.level);

describe('reminder ladder', { concurrency: true }, () => {
  test('submitting before the first reminder sends no reminder', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const s = await ctx.schedule(BEFORE_LEVEL_1);
    await ctx.startDay([e], s);
    const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(r.status, 201);
    // The day ended without reaching a level; nothing can be queued after that, but give a
    // department batch a window's time to prove it sent nothing either.
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 0 });
    await new Promise((res) => setTimeout(res, s.batchWindowMs + 2000));
    assert.equal(ctx.messages(undefined, e.userId).length, 0);
    assert.deepEqual(await sentLevels(s.workDate, e), []);
    assert.equal((await findDay(ctx.db, e.id, s.workDate))?.outcome, 'submitted');
  });

  test('a day started before its window opens runs no task until then; a signal sent meanwhile is delivered then', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const s0 = await ctx.schedule(BEFORE_LEVEL_1);
    // the fan-out ran before the window: it opens 4 s from now (level 1 still at +12 s)
    const s = { ...s0, opensAt: new Date(Date.now() + 4000).toISOString() };
    await ctx.startDay([e], s);
    const handle = ctx.temporal.workflow.getHandle(checkinWorkflowId(s.workDate, e.id));
    const startedEvent = async () =>
      (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    // a start delay: no workflow task until the window opens
    const backoff = (await startedEvent())?.firstWorkflowTaskBackoff;
    assert.ok(Number(backoff?.seconds ?? 0) + (backoff?.nanos ?? 0) / 1e9 > 1, 'started with a delay');
    const submittedAt = new Date().toISOString();
    await handle.signal(submitSignal, { recordId: 1, submittedAt, status: 'on_time' });
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 0 });
    assert.equal((await handle.query(statusQuery)).submittedAt, submittedAt);
    assert.ok(Date.now() >= Date.parse(s.opensAt), 'ran once the window opened');
  });

  test('never submitting escalates notification, @manager, HR task in that order, then missed', async () => {
    const dept = await ctx.department({ size: 2 });
    const s = await ctx.schedule(SCALE);
    await ctx.startDay(dept.members, s);
    const results = await Promise.all(dept.members.map((e) => result(s.workDate, e)));
    await ctx.laddersDone(s.workDate, dept.id);
    assert.deepEqual(
      results,
      dept.members.map(() => ({ outcome: 'missed', levelReached: 3 })),
    );

    for (const e of dept.members) {
      const notes = ctx.messages('work_notification', e.userId);
      assert.equal(notes.length, 1, 'one work notification per employee');
      assert.match(notes[0]?.text ?? '', new RegExp(s.workDate));
      const todos = ctx
        .messages('todo')
        .filter((m) => m.title.includes(e.name) && m.to.includes(dept.hr?.unionId ?? '?'));
      assert.equal(todos.length, 1, 'one HR call task per employee');
      assert.ok((notes[0]?.id ?? 0) < (todos[0]?.id ?? 0));
      assert.deepEqual(await sentLevels(s.workDate, e), [1, 2, 3]);
      assert.equal((await findDay(ctx.db, e.id, s.workDate))?.outcome, 'missed');
      // The ladders sent the levels: the day itself slept from its start to its close, so the
      // 09:00 instant costs it no timer and no workflow task.
      const events = (
        await ctx.temporal.workflow.getHandle(checkinWorkflowId(s.workDate, e.id)).fetchHistory()
      ).events;
      const timers = (events ?? []).filter((ev) => ev.timerStartedEventAttributes);
      assert.equal(timers.length, 1, 'one timer: the close');
      const tasks = (events ?? []).filter((ev) => ev.workflowTaskCompletedEventAttributes);
      assert.equal(
        tasks.length,
        3,
        'workflow tasks at the start, at the close and for closeDay: none at the instants',
      );
    }
    const mentions = ctx.messages('robot', dept.robotToken ?? '?');
    assert.equal(mentions.length, 1, 'one @manager message for the whole department');
    assert.deepEqual(mentions[0]?.mentionsFired, [dept.manager.userId]);
    for (const e of dept.members) assert.ok(mentions[0]?.text.includes(e.name));
    const firstNote = Math.max(
      ...dept.members.map((e) => ctx.messages('work_notification', e.userId)[0]?.id ?? 0),
    );
    const firstTodo = Math.min(
      ...ctx
        .messages('todo')
        .filter((m) => m.to.includes(dept.hr?.unionId ?? '?'))
        .map((m) => m.id),
    );
    assert.ok(firstNote < (mentions[0]?.id ?? 0) && (mentions[0]?.id ?? 0) < firstTodo, 'levels in order');
  });

  test('submitting between the first and second reminder stops the ladder after level 1', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const s = await ctx.schedule(BETWEEN_LEVELS);
    await ctx.startDay([e], s);
    await eventually(() => ctx.messages('work_notification', e.userId).length > 0, 20_000, 'level 1');
    const handle = ctx.temporal.workflow.getHandle(checkinWorkflowId(s.workDate, e.id));
    const mid = await eventually(
      async () => {
        const st = await handle.query(statusQuery);
        return st.levelReached === 1 ? st : null;
      },
      5000,
      'status query shows level 1',
    );
    assert.deepEqual([mid.state, mid.levelReached, mid.nextReminderAt], ['waiting', 1, s.reminders[1]?.at]);
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 1 });
    await new Promise((res) => setTimeout(res, Date.parse(s.closesAt) - Date.now() + 500));
    assert.deepEqual(await sentLevels(s.workDate, e), [1]);
    assert.equal(ctx.messages('robot', dept.robotToken ?? '?').length, 0);
    assert.equal(ctx.messages('todo', dept.hr?.unionId).length, 0);
  });

  test('submitting between the second and third reminder sends levels 1 and 2 only', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const s = await ctx.schedule(BETWEEN_LEVELS);
    await ctx.startDay([e], s);
    await eventually(() => ctx.messages('robot', dept.robotToken ?? '?').length > 0, 30_000, 'level 2');
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    assert.deepEqual(await result(s.workDate, e), { outcome: 'submitted', levelReached: 2 });
    assert.deepEqual(await sentLevels(s.workDate, e), [1, 2]);
    assert.equal(ctx.messages('todo', dept.hr?.unionId).length, 0);
  });

  test('a department without a group robot gets the @manager level as a work notification to the manager', async () => {
    const dept = await ctx.department({ size: 1, robot: false, hr: false });
    const [e] = dept.members as [TestEmployee];
    const s = await ctx.schedule(SCALE);
    await ctx.startDay([e], s);
    assert.equal((await result(s.workDate, e)).outcome, 'missed');
    await ctx.laddersDone(s.workDate, dept.id);
    const toManager = ctx.messages('work_notification', dept.manager.userId);
    assert.equal(toManager.length, 1);
    assert.ok(toManager[0]?.text.includes(e.name));
    // No HR contact: level 3 is recorded as skipped, not silently lost.
    const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
    assert.deepEqual(
      rows.map((r) => [r.level, r.status]),
      [
        [1, 'sent'],
        [2, 'sent'],
        [3, 'skipped'],
      ],
    );
  });

  test('DingTalk throttling (errcode 90018) is retried and the reminder still arrives once', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    ctx.fake.state.faults.push({
      path: '/topapi/message/corpconversation/asyncsend_v2',
      errcode: 90018,
      // only this test's notification: the other tests here run at the same time
      bodyIncludes: e.userId,
      remaining: 2,
    });
    const s = await ctx.schedule(SCALE);
    await ctx.startDay([e], s);
    await eventually(
      () => ctx.messages('work_notification', e.userId).length > 0,
      15_000,
      'level 1 after throttling',
    );
    assert.equal(
      ctx.fake.state.faults.every((f) => f.remaining === 0),
      true,
      'the injected throttling was hit',
    );
    await result(s.workDate, e);
    assert.equal(ctx.messages('work_notification', e.userId).length, 1);
  });
});
