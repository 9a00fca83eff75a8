// Work calendar, leave, part-time, time zones and policy versions, as the fan-out applies them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkinWorkflowId, digestWorkflowId } from '../../domain/workflow-ids.ts';
import { addDays, workDateAt } from '../../domain/zoned-time.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import {
  eventually,
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';

let ctx: TestContext;
let a: TestDepartment;
let berlin: TestDepartment;
let onLeave: TestEmployee;
let partTimer: TestEmployee;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  a = await ctx.department({ size: 3 });
  berlin = await ctx.department({ size: 1 });
  onLeave = a.members[1] as TestEmployee;
  partTimer = a.members[2] as TestEmployee;
  const put = (path: string, body: unknown) => admin('PUT', path, body);
  assert.equal(
    (
      await admin('POST', '/api/ra/leaves', {
        employee_id: onLeave.id,
        kind: 'leave',
        from_date: '2026-12-01',
        to_date: '2026-12-03',
      })
    ).status,
    201,
  );
  assert.equal(
    (await put(`/api/employees/${partTimer.id}/work-pattern`, { workdays: [1, 3, 5], timeZone: null }))
      .status,
    200,
  );
  assert.equal(
    (await put(`/api/departments/${berlin.id}/time-zone`, { timeZone: 'Europe/Berlin' })).status,
    200,
  );
});
after(async () => ctx.close());

const admin = (method: string, path: string, body?: unknown) => ctx.admin(method, path, body);

let runs = 0;
const fanout = (workDate: string) =>
  ctx.temporal.workflow.execute('dailyFanout', {
    taskQueue: ctx.config.temporal.taskQueue,
    workflowId: `fanout-cal-${++runs}`,
    args: [{ workDate }],
  }) as Promise<{
    started: number;
    exempt: number;
    workday: boolean;
    dayName: string;
    calendarCovered: boolean;
  }>;
const firstReminder = async (e: TestEmployee, workDate: string) =>
  (
    await ctx.db
      .selectFrom('checkin_days')
      .select('schedule')
      .where('employee_id', '=', e.id)
      .where('work_date', '=', workDate)
      .executeTakeFirst()
  )?.schedule.reminders[0]?.at;
const allActive = () => 8; // two departments: 4 members, 2 managers, 2 HR contacts

describe('work calendar and exemptions', () => {
  test('2026 holidays and 调休 make-up days decide who is started', async () => {
    const national = await fanout('2026-10-01');
    assert.deepEqual([national.workday, national.started], [false, 0]);
    assert.match(national.dayName, /国庆节/);
    assert.equal((await fanout('2026-11-28')).started, 0, 'an ordinary Saturday');
    for (const makeUp of ['2026-02-14', '2026-02-28', '2026-10-10']) {
      const r = await fanout(makeUp);
      assert.equal(r.workday, true, `${makeUp} is a make-up workday`);
      // The part-timer works Mon/Wed/Fri only, so a make-up Saturday is not theirs.
      assert.deepEqual([r.started, r.exempt], [allActive() - 1, 1], makeUp);
    }
  });

  test('leave and part-time weekdays exempt people; company overrides beat the statutory calendar', async () => {
    const wed = await fanout('2026-12-02');
    assert.deepEqual([wed.started, wed.exempt], [allActive() - 1, 1]);
    assert.equal(await firstReminder(onLeave, '2026-12-02'), undefined, 'no day for someone on leave');
    assert.ok(await firstReminder(partTimer, '2026-12-02'), 'Wednesday is a part-time day');
    const tue = await fanout('2026-12-08');
    assert.deepEqual([tue.started, tue.exempt], [allActive() - 1, 1], 'Tuesday is not a part-time day');

    assert.equal(
      (await admin('PUT', '/api/calendar/overrides/2026-12-04', { kind: 'day_off', note: '公司年会' }))
        .status,
      200,
    );
    assert.equal((await admin('PUT', '/api/calendar/overrides/2026-12-06', { kind: 'workday' })).status, 200);
    const friday = await fanout('2026-12-04');
    assert.deepEqual([friday.workday, friday.started, friday.dayName], [false, 0, '公司年会']);
    assert.equal((await fanout('2026-12-06')).started, allActive() - 1);
    const cal = await admin('GET', '/api/calendar/2026');
    assert.equal(cal.body.covered, true);
    assert.ok((cal.body.specialDays as { date: string }[]).some((d) => d.date === '2026-10-10'));
    const next = await admin('GET', '/api/calendar/2031');
    assert.deepEqual([next.body.covered, typeof next.body.warning], [false, 'string']);
    assert.equal((await admin('PUT', '/api/calendar/overrides/2026-13-01', { kind: 'workday' })).status, 400);
  });

  test('approved leave in DingTalk attendance is imported by the fan-out and exempts the person', async () => {
    const [x] = a.members as [TestEmployee];
    // 2026-12-11 (Friday) all day in Shanghai, as DingTalk reports it.
    ctx.fake.state.leaves.set(x.userId, [
      { start_time: Date.parse('2026-12-11T00:30:00Z'), end_time: Date.parse('2026-12-11T09:00:00Z') },
    ]);
    const r = await fanout('2026-12-11');
    assert.equal(r.exempt, 1, 'only the person on DingTalk leave (Friday is a part-time day)');
    const rows = await ctx.db
      .selectFrom('leaves')
      .select(['source', 'from_date'])
      .where('employee_id', '=', x.id)
      .execute();
    assert.deepEqual(rows, [{ source: 'dingtalk', from_date: '2026-12-11' }]);
    assert.equal(await firstReminder(x, '2026-12-11'), undefined);
  });

  test('reminder instants follow each zone across the DST switch days', async () => {
    for (const d of ['2026-03-29', '2026-10-25'])
      await admin('PUT', `/api/calendar/overrides/${d}`, { kind: 'workday' });
    await fanout('2026-03-29');
    await fanout('2026-10-25');
    const [b] = berlin.members as [TestEmployee];
    const [s] = a.members as [TestEmployee];
    assert.equal(
      await firstReminder(b, '2026-03-29'),
      '2026-03-29T07:00:00.000Z',
      '09:00 CEST on spring-forward day',
    );
    assert.equal(
      await firstReminder(b, '2026-10-25'),
      '2026-10-25T08:00:00.000Z',
      '09:00 CET on fall-back day',
    );
    assert.equal(await firstReminder(s, '2026-03-29'), '2026-03-29T01:00:00.000Z', 'Shanghai has no DST');
  });

  test('a leave entered mid-day stops that day politely: no more reminders, and the digest leaves them out', async () => {
    const c = await ctx.department({ size: 2 });
    const [goesHome, stays] = c.members as [TestEmployee, TestEmployee];
    const s = await ctx.schedule(900); // levels at +4 s, +16 s, +28 s: the leave must land between 1 and 2
    await ctx.startDay([goesHome, stays], s);
    assert.equal(
      (await ctx.submit(stays.id, { idempotencyKey: newKey(), answers: validAnswers })).status,
      201,
    );
    await eventually(() => ctx.messages('work_notification', goesHome.userId).length > 0, 20_000, 'level 1');
    const leave = await admin('POST', '/api/ra/leaves', {
      employee_id: goesHome.id,
      kind: 'leave',
      from_date: s.workDate,
      to_date: s.workDate,
      note: '发烧回家',
    });
    assert.deepEqual([leave.status, leave.body.stoppedToday], [201, true]);
    const result = (await ctx.temporal.workflow
      .getHandle(checkinWorkflowId(s.workDate, goesHome.id))
      .result()) as { outcome: string };
    assert.equal(result.outcome, 'exempt');
    await new Promise((r) => setTimeout(r, Date.parse(s.closesAt) - Date.now() + 500));
    assert.deepEqual(
      (await listRemindersForDay(ctx.db, s.workDate, [goesHome.id])).map((r) => r.level),
      [1],
    );
    assert.equal(ctx.messages('robot', c.robotToken ?? '?').length, 0, 'nobody left to mention');
    const day = await ctx.db
      .selectFrom('checkin_days')
      .select('outcome')
      .where('employee_id', '=', goesHome.id)
      .where('work_date', '=', s.workDate)
      .executeTakeFirstOrThrow();
    assert.equal(day.outcome, 'exempt');
    await ctx.temporal.workflow.execute('dailyDigest', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: digestWorkflowId(`${s.workDate}-test`),
      args: [{ workDate: s.workDate, closesAt: new Date().toISOString() }],
    });
    const digest = ctx
      .messages('work_notification', c.manager.userId)
      .find((m) => m.title.startsWith('健康打卡日报'));
    assert.ok(digest?.text.includes(`**${c.name}**：应打卡 1，已提交 1，未提交 0`), digest?.text);
    assert.equal(
      (
        await admin('POST', '/api/ra/leaves', {
          employee_id: goesHome.id,
          kind: 'leave',
          from_date: '2026-12-05',
          to_date: '2026-12-01',
        })
      ).status,
      400,
    );
  });

  test('a policy change applies from the next day; the day already planned keeps its snapshot', async () => {
    const company = await admin('GET', '/api/policy');
    const current = company.body.current as { reminderTimes: string[]; timeZone: string };
    assert.deepEqual(current.reminderTimes, ['09:00', '12:00', '15:00']);
    const changed = { ...current, reminderTimes: ['10:00', '13:00', '15:30'] };
    const today = workDateAt(new Date(), 'Asia/Shanghai');
    assert.equal(
      (await admin('PUT', '/api/policy', { policy: changed, effectiveFrom: today })).status,
      400,
      'not today',
    );
    assert.equal(
      (await admin('PUT', '/api/policy', { policy: { ...changed, enabledLevels: [1, 3] } })).status,
      400,
      'no HR call without the manager level',
    );
    const saved = await admin('PUT', '/api/policy', { policy: changed });
    assert.deepEqual([saved.status, saved.body.effectiveFrom], [200, addDays(today, 1)]);
    assert.deepEqual(
      ((await admin('GET', '/api/policy')).body.current as { reminderTimes: string[] }).reminderTimes,
      ['09:00', '12:00', '15:00'],
    );

    const [s] = a.members as [TestEmployee];
    assert.equal(
      await firstReminder(s, '2026-12-02'),
      '2026-12-02T01:00:00.000Z',
      'planned before: 09:00 kept',
    );
    await fanout('2026-12-09');
    assert.equal(await firstReminder(s, '2026-12-09'), '2026-12-09T02:00:00.000Z', 'planned after: 10:00');
    // A department override (Berlin team without the HR level) wins over the company policy.
    const own = { ...changed, timeZone: 'Europe/Berlin', enabledLevels: [1, 2] };
    assert.equal(
      (
        await admin('PUT', `/api/departments/${berlin.id}/policy`, {
          policy: own,
          effectiveFrom: '2026-12-10',
        })
      ).status,
      200,
    );
    await fanout('2026-12-10');
    const [b] = berlin.members as [TestEmployee];
    const sched = await ctx.db
      .selectFrom('checkin_days')
      .select('schedule')
      .where('employee_id', '=', b.id)
      .where('work_date', '=', '2026-12-10')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      sched.schedule.reminders.map((r) => [r.level, r.at]),
      [
        [1, '2026-12-10T09:00:00.000Z'],
        [2, '2026-12-10T12:00:00.000Z'],
      ],
    );
  });
});
