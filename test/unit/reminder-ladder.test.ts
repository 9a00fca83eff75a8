// The ladder's names and its deadline rules (domain/reminders/ladder.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REMINDER_LEVELS,
  ReminderLevels,
  isReminderLevel,
  ladderDeadline,
  ladderStepRetry,
  levelDueBy,
  reminderLevelName,
} from '../../domain/reminders/ladder.ts';
import { computeDaySchedule, compressSchedule } from '../../domain/day-schedule.ts';
import { defaultPolicy } from '../../domain/policy.ts';

test('the levels are named once, in the order a day escalates', () => {
  assert.deepEqual(REMINDER_LEVELS, [
    ReminderLevels.notifyEmployee,
    ReminderLevels.mentionManager,
    ReminderLevels.hrCallTask,
  ]);
  assert.deepEqual(
    REMINDER_LEVELS.map((l) => reminderLevelName[l]),
    ['notify_employee', 'mention_manager', 'hr_call_task'],
  );
  assert.ok(!isReminderLevel(0));
  const s = computeDaySchedule('2026-12-01', defaultPolicy);
  assert.deepEqual(
    s.reminders.map((r) => r.level),
    [...REMINDER_LEVELS],
  );
  assert.equal(levelDueBy(s.reminders, Date.parse(s.reminders[1]?.at ?? '')), ReminderLevels.mentionManager);
});

test("a ladder's deadline is the latest lateUntil of its days, and at least the floor after an instant", () => {
  const at = '2026-12-01T01:00:00.000Z';
  assert.equal(ladderDeadline([], 0), undefined);
  const days = [
    { lateUntil: '2026-12-01T16:00:00.000Z', at },
    { lateUntil: '2026-12-02T00:00:00.000Z', at },
    { lateUntil: '2026-12-01T20:00:00.000Z', at },
  ];
  assert.equal(ladderDeadline(days, 300_000), '2026-12-02T00:00:00.000Z');
  // a compressed day: level 1 at +6 s, late submissions until +96 s; the floor gives it 5 minutes
  const t0 = Date.parse('2026-12-01T00:00:00.000Z');
  const short = [{ at: new Date(t0 + 6000).toISOString(), lateUntil: new Date(t0 + 96_000).toISOString() }];
  assert.equal(ladderDeadline(short, 300_000), new Date(t0 + 306_000).toISOString());
  assert.equal(ladderDeadline(short, 0), new Date(t0 + 96_000).toISOString());
});

test('a step retries at least once a minute, and ~30 times before a near deadline, never under a second', () => {
  // a real day: the deadline hours away
  assert.deepEqual(ladderStepRetry(15 * 3600_000), { initialIntervalMs: 2000, maximumIntervalMs: 60_000 });
  // the short fault matrix's day (one hour = 6 s): level 1 with ~90 s left
  const s = compressSchedule(computeDaySchedule('2026-12-01', defaultPolicy), new Date(0), 600);
  const left = Date.parse(s.lateUntil) - Date.parse(s.reminders[0]?.at ?? '');
  assert.deepEqual(ladderStepRetry(left), { initialIntervalMs: 750, maximumIntervalMs: 3000 });
  assert.deepEqual(ladderStepRetry(5000), { initialIntervalMs: 250, maximumIntervalMs: 1000 });
});
