// When a day started ahead of its window runs its first workflow task (domain/day-schedule.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeDaySchedule,
  compressSchedule,
  dayStartDelayMs,
  ladderPosition,
} from '../../domain/day-schedule.ts';
import { defaultPolicy } from '../../domain/policy.ts';

const day = computeDaySchedule('2026-12-01', defaultPolicy);
const opens = Date.parse(day.opensAt);
const firstReminder = Date.parse(day.reminders[0]?.at ?? '');
const fanOut = opens - 8 * 3600_000; // the fan-out runs hours before the window

test('first tasks are spread over the window before the first reminder, not all at the opening', () => {
  const ends = Array.from({ length: 10_000 }, (_, i) => fanOut + (dayStartDelayMs(day, i + 1, fanOut) ?? 0));
  assert.ok(Math.min(...ends) >= opens, 'none before the window opens');
  // the last ones a margin (a tenth of the span, at most 5 min) before the first reminder
  assert.ok(Math.max(...ends) <= firstReminder - 5 * 60_000, 'all before the first reminder');
  // evenly: each tenth of the usable span holds about a tenth of the days
  const usable = firstReminder - 5 * 60_000 - opens;
  const tenths = Array.from({ length: 10 }, () => 0);
  for (const t of ends) tenths[Math.min(9, Math.floor(((t - opens) / usable) * 10))]!++;
  for (const n of tenths) assert.ok(n > 800 && n < 1200, `a tenth of the window holds ${n} of 10000`);
});

test("an employee's moment is fixed (a retried start asks for the same one)", () => {
  assert.equal(dayStartDelayMs(day, 42, fanOut), dayStartDelayMs(day, 42, fanOut));
  assert.notEqual(dayStartDelayMs(day, 42, fanOut), dayStartDelayMs(day, 43, fanOut));
});

test('no delay once the moment has passed, or under a second', () => {
  assert.equal(dayStartDelayMs(day, 7, firstReminder), undefined);
  const at = fanOut + (dayStartDelayMs(day, 7, fanOut) ?? 0);
  assert.equal(dayStartDelayMs(day, 7, at - 500), undefined);
});

test('a compressed day keeps its delays inside its own short window', () => {
  const now = Date.now();
  const s = compressSchedule(day, new Date(now), 600);
  const o = Date.parse(s.opensAt);
  const f = Date.parse(s.reminders[0]?.at ?? '');
  for (let id = 1; id <= 200; id++) {
    const end = now + (dayStartDelayMs(s, id, now) ?? 0);
    assert.ok(end <= Math.max(now, f), `employee ${id}: first task by the first reminder`);
    if (o > now + 1000) assert.ok(end >= o - 1, `employee ${id}: not before the window opens`);
  }
});

test('a day started once its window is open runs at once', () => {
  assert.equal(dayStartDelayMs(day, 7, opens), undefined);
  assert.equal(dayStartDelayMs(day, 7, opens + 60_000), undefined);
});

test('the ladder position follows the clock: level reached and next instant', () => {
  const at = day.reminders.map((r) => Date.parse(r.at));
  const [l1, l2, l3] = at as [number, number, number];
  assert.deepEqual(ladderPosition(day, l1 - 1), { levelReached: 0, nextReminderAt: day.reminders[0]?.at });
  assert.deepEqual(ladderPosition(day, l1), { levelReached: 1, nextReminderAt: day.reminders[1]?.at });
  assert.deepEqual(ladderPosition(day, l2 + 1), { levelReached: 2, nextReminderAt: day.reminders[2]?.at });
  assert.deepEqual(ladderPosition(day, l3), { levelReached: 3, nextReminderAt: null });
  assert.deepEqual(ladderPosition({ reminders: [] }, l3), { levelReached: 0, nextReminderAt: null });
});
