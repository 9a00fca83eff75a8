// A person's history shows every date with what happened: submitted, missed, exempt and why
// (leave, a trip), weekends and holidays, and days nobody planned.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PersonDay } from '../../domain/calendar/person-days.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;
let person: TestEmployee;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  const dept = await ctx.department({ size: 1 });
  person = dept.members[0] as TestEmployee;
});
after(async () => {
  await ctx?.close();
});

type Days = {
  from: string;
  to: string;
  today: string;
  days: PersonDay<{ id: number; answers: Record<string, unknown> }>[];
};
const days = async (query: string) => {
  const r = await ctx.admin('GET', `/api/ra/employees/${person.id}/days?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as unknown as Days;
};
const planned = (workDate: string, outcome: 'missed' | 'exempt', level = 0) =>
  ctx.pastDay(person, workDate, outcome, { level_reached: level });
const leave = async (kind: 'leave' | 'business_trip', from: string, to: string, note: string) => {
  const r = await ctx.admin('POST', '/api/ra/leaves', {
    employee_id: person.id,
    kind,
    from_date: from,
    to_date: to,
    note,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
};

describe('per-person days', () => {
  test('around National Day 2026: missed, leave mid-day, a trip planned ahead, holidays, a weekend and a make-up Saturday', async () => {
    await planned('2026-09-29', 'missed', 3);
    await planned('2026-09-30', 'exempt');
    await leave('leave', '2026-09-30', '2026-09-30', '病假');
    await leave('business_trip', '2026-10-09', '2026-10-09', '上海');
    const r = await days('to=2026-10-11&days=15');
    assert.equal(r.from, '2026-09-27');
    assert.equal(r.to, '2026-10-11');
    assert.equal(r.days.length, 15);
    assert.deepEqual(
      r.days.map((d) => d.work_date),
      [...r.days.map((d) => d.work_date)].sort().reverse(),
      'newest first',
    );
    const by = Object.fromEntries(r.days.map((d) => [d.work_date, d]));
    const pick = (date: string) => {
      const d = by[date] as PersonDay<unknown>;
      return { outcome: d.outcome, reason: d.reason, note: d.reason_note, level: d.level_reached };
    };
    assert.deepEqual(pick('2026-09-29'), { outcome: 'missed', reason: null, note: null, level: 3 });
    assert.deepEqual(pick('2026-09-30'), { outcome: 'exempt', reason: 'leave', note: '病假', level: 0 });
    assert.deepEqual(pick('2026-10-09'), {
      outcome: 'exempt',
      reason: 'business_trip',
      note: '上海',
      level: 0,
    });
    assert.deepEqual(pick('2026-10-01'), {
      outcome: 'day_off',
      reason: 'holiday',
      note: 'National Day,国庆节,3',
      level: 0,
    });
    // a holiday on a Sunday is named as the holiday; an ordinary Sunday is a weekend
    assert.deepEqual(pick('2026-09-27'), {
      outcome: 'day_off',
      reason: 'holiday',
      note: 'Mid-autumn Festival,中秋,1',
      level: 0,
    });
    assert.deepEqual(pick('2026-10-11'), { outcome: 'day_off', reason: 'weekend', note: null, level: 0 });
    // the make-up Saturday is a work day the fan-out never planned for this person
    assert.deepEqual(pick('2026-10-10'), { outcome: 'not_planned', reason: null, note: null, level: 0 });
  });

  test("today's submission shows with its reading; the range never passes the company's today", async () => {
    const s = await ctx.expectToday([person]);
    const sent = await ctx.submit(person.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(sent.status, 201);
    const r = await days('days=3&to=2999-01-01');
    assert.equal(r.to, r.today);
    assert.equal(r.today, s.workDate);
    const today = r.days[0];
    assert.equal(today?.work_date, s.workDate);
    assert.equal(today?.outcome, 'on_time');
    assert.equal(today?.record?.answers.temperature, 36.5);
  });

  test('bad ranges are refused with a code; people outside the scope do not exist', async () => {
    const bad = await ctx.admin('GET', `/api/ra/employees/${person.id}/days?days=400`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { errors: { code: string }[] }).errors[0]?.code, 'too_big');
    assert.equal((await ctx.admin('GET', '/api/ra/employees/999999/days')).status, 404);
  });
});
