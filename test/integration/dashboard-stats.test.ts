// The dashboard's pre-aggregated department_day_stats stay equal to the counts over the raw rows
// through a real day (workflows, submissions, a recheck, leave, the close, a late submission),
// under concurrent submissions and closes, and the endpoints honour a department scope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeDayAsMissed, insertDaysIfAbsent } from '../../db/repositories/checkin-days.ts';
import { dayStats, dayTotals, heatmapCells } from '../../db/repositories/dashboard.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { callAs, signInEmployee } from '../helpers/staff-client.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

/** The table against the same figures recounted from checkin_days and health_records. */
async function assertStatsExact(workDate: string, what: string) {
  const range = { from: workDate, to: workDate };
  const kept = await dayStats(ctx.db, range, 'all');
  const raw = await dayStats(ctx.db, range, 'all', 'recount');
  // Rows whose counts all went back to zero stay in the table; the recount has no such rows.
  const nonZero = kept.filter((r) =>
    Object.entries(r).some(([k, v]) => k !== 'department_id' && k !== 'work_date' && v !== 0),
  );
  assert.deepEqual(nonZero, raw, `stats after ${what}`);
  // The heat map (and the reports' summary, which reads the same cells) from either source.
  assert.deepEqual(
    await heatmapCells(ctx.db, range, 'all'),
    await heatmapCells(ctx.db, range, 'all', 'recount'),
    `heat map after ${what}`,
  );
}

async function decide(reviewId: number, who: TestEmployee, decision: string) {
  return (await callAs(ctx, who, 'POST', `/api/reviews/${reviewId}/decision`, { decision })).status;
}

describe('department day stats', () => {
  test('equal the raw counts after leave, submissions, a recheck, the close and a late submission', async () => {
    const a = await ctx.department({ size: 6 });
    const b = await ctx.department({ size: 3 });
    const [a1, a2, a3, a4] = a.members as [TestEmployee, TestEmployee, TestEmployee, TestEmployee];
    const [b1] = b.members as [TestEmployee];
    const s = await ctx.schedule(1800); // levels at +2 s, +8 s, +14 s, close at +16 s
    await ctx.startDay([...a.members, ...b.members], s);
    await assertStatsExact(s.workDate, 'planning the day');

    // Leave first: it must land before the close at +16 s, whatever the rest costs on a busy machine.
    const leave = await ctx.admin('POST', '/api/ra/leaves', {
      employee_id: a3.id,
      kind: 'leave',
      from_date: s.workDate,
      to_date: s.workDate,
    });
    assert.equal(leave.status, 201);
    await assertStatsExact(s.workDate, 'leave');

    assert.equal((await ctx.submit(a1.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    const red = await ctx.submit(a2.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 38.4 },
    });
    assert.equal(red.status, 201);
    const warn = await ctx.submit(b1.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 37.5 },
    });
    assert.equal(warn.status, 201);
    await assertStatsExact(s.workDate, 'submissions');

    // The manager asks a2 to measure again; the new record replaces the red one as current.
    const reviewId = red.body.reviewId as number;
    await eventually(
      async () => (await decide(reviewId, a.manager, 'request_recheck')) === 200,
      15_000,
      'recheck requested',
    );
    assert.equal((await ctx.submit(a2.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    await assertStatsExact(s.workDate, 'a recheck');

    // The workflows close the day: everyone else pending becomes missed.
    await ctx.dayResult(s.workDate, a4.id);
    await eventually(
      async () =>
        (
          await ctx.db
            .selectFrom('checkin_days')
            .select('employee_id')
            .where('work_date', '=', s.workDate)
            .where('outcome', '=', 'pending')
            .where('department_id', 'in', [a.id, b.id])
            .execute()
        ).length === 0,
      20_000,
      'every day closed',
    );
    await assertStatsExact(s.workDate, 'the close');

    const late = await ctx.submit(a4.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.deepEqual([late.status, (late.body.record as { status: string }).status], [201, 'late']);
    await assertStatsExact(s.workDate, 'a late submission');

    // a1, a2 (rechecked), a4 (late) submitted; a3 on leave; a5, a6 missed.
    assert.deepEqual(await dayTotals(ctx.db, s.workDate, [a.id]), {
      expected: 5,
      submitted: 3,
      pending: 0,
      anomalies: 0,
      missed: 2,
      exempt: 1,
    });
    assert.deepEqual(await dayTotals(ctx.db, s.workDate, [b.id]), {
      expected: 3,
      submitted: 1,
      pending: 0,
      anomalies: 1,
      missed: 2,
      exempt: 0,
    });
    assert.equal((await dayTotals(ctx.db, s.workDate, [])).expected, 0, 'an empty scope sees nothing');
    const today = await ctx.admin('GET', '/api/dashboard/today');
    assert.equal(today.body.expected, (await dayTotals(ctx.db, s.workDate, 'all')).expected);
  });

  test('stay exact under concurrent submissions and closes, for a day planned after its record, and after deletes', async () => {
    const c = await ctx.department({ size: 24 });
    const s = await ctx.expectToday(c.members.slice(0, 20));
    // Submissions and closes of the same days race each other.
    await Promise.all([
      ...c.members
        .slice(0, 16)
        .map((e) => ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })),
      ...c.members.slice(0, 20).map((e) => closeDayAsMissed(ctx.db, e.id, s.workDate)),
    ]);
    // Four people submit before their day is planned; the fan-out then adds their days.
    const unplanned = c.members.slice(20);
    for (const e of unplanned) {
      assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    }
    await insertDaysIfAbsent(
      ctx.db,
      unplanned.map((e) => ({ employeeId: e.id, departmentId: c.id, schedule: s })),
    );
    await assertStatsExact(s.workDate, 'racing submissions and closes');
    const t = await dayTotals(ctx.db, s.workDate, [c.id]);
    assert.equal(t.expected, 24);
    const stored = await ctx.db
      .selectFrom('health_records')
      .select('employee_id')
      .where('work_date', '=', s.workDate)
      .where(
        'employee_id',
        'in',
        c.members.map((e) => e.id),
      )
      .execute();
    assert.equal(t.submitted, stored.length);

    // Retention deletes records and days; the figures follow.
    const gone = stored.slice(0, 2).map((r) => r.employee_id);
    await ctx.db
      .deleteFrom('health_records')
      .where('work_date', '=', s.workDate)
      .where('employee_id', 'in', gone)
      .execute();
    await ctx.db
      .deleteFrom('checkin_days')
      .where('work_date', '=', s.workDate)
      .where('employee_id', '=', (c.members[23] as TestEmployee).id)
      .execute();
    await assertStatsExact(s.workDate, 'deleting records and a day');
  });

  test('the endpoints: non-submitters page with the total and per-department counts', async () => {
    const d = await ctx.department({ size: 5 });
    const s = await ctx.expectToday(d.members, { level_reached: 2 });
    await ctx.submit((d.members[0] as TestEmployee).id, { idempotencyKey: newKey(), answers: validAnswers });
    // level 1 read by one person, unread by another, a level-2 row that must not count as theirs
    const reminder = (e: TestEmployee, level: number, delivery: 'read' | 'unread') => ({
      employee_id: e.id,
      work_date: s.workDate,
      level,
      department_id: d.id,
      channel: 'work_notification',
      status: 'sent' as const,
      batch_key: `b-${level}`,
      delivery,
    });
    await ctx.db
      .insertInto('reminders_sent')
      .values([
        reminder(d.members[1] as TestEmployee, 1, 'read'),
        reminder(d.members[2] as TestEmployee, 1, 'unread'),
        reminder(d.members[3] as TestEmployee, 2, 'read'),
      ])
      .execute();
    const non = await ctx.admin('GET', `/api/dashboard/non-submitters?department=${d.id}`);
    const body = non.body as {
      workDate: string;
      total: number;
      people: { id: number; level_reached: number; reminder_delivery: string | null }[];
      departments: { id: number; count: number }[];
    };
    assert.deepEqual(
      Object.fromEntries(body.people.map((p) => [p.id, p.reminder_delivery])),
      Object.fromEntries(
        d.members.slice(1).map((m, i) => [m.id, i === 0 ? 'read' : i === 1 ? 'unread' : null]),
      ),
      'each person with their own level-1 read state, in the same query',
    );
    assert.equal(body.workDate, s.workDate);
    assert.equal(body.total, 4);
    assert.deepEqual(
      body.people.map((p) => p.level_reached),
      [2, 2, 2, 2],
    );
    assert.equal(body.departments.find((x) => x.id === d.id)?.count, 4);
    const bad = await ctx.admin('GET', '/api/dashboard/heatmap?from=2026-02-01&to=2025-01-01');
    assert.equal(bad.status, 400);
  });

  test("a manager's dashboard counts only their department", async () => {
    const mine = await ctx.department({ size: 3 });
    const theirs = await ctx.department({ size: 4 });
    await ctx.expectToday([...mine.members, ...theirs.members]);
    const manager = await signInEmployee(ctx, mine.manager);
    const today = (await manager.call('GET', '/api/dashboard/today')).body as {
      expected: number;
      pending: number;
    };
    assert.deepEqual([today.expected, today.pending], [3, 3]);
    const heat = (await manager.call('GET', '/api/dashboard/heatmap')).body as {
      cells: { department_id: number }[];
    };
    assert.deepEqual([...new Set(heat.cells.map((c) => c.department_id))], [mine.id]);
    const non = (await manager.call('GET', '/api/dashboard/non-submitters')).body as {
      total: number;
      people: { department_id: number }[];
    };
    assert.equal(non.total, 3);
    assert.ok(non.people.every((p) => p.department_id === mine.id));
    const other = (await manager.call('GET', `/api/dashboard/non-submitters?department=${theirs.id}`))
      .body as {
      people: unknown[];
    };
    assert.deepEqual(other.people, [], 'another department is outside the scope');
  });
});
