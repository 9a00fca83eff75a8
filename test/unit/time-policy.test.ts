// The time policy: wall clock ⇄ UTC across zones and DST, schedules, compression, lateness.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifySubmission, compressSchedule, computeDaySchedule } from '../../domain/day-schedule.ts';
import { checkinPolicySchema, defaultPolicy } from '../../domain/policy.ts';
import { addDays, workDateAt, zonedWallTimeToUtc } from '../../domain/zoned-time.ts';

const utc = (d: string, t: string, tz: string) => zonedWallTimeToUtc(d, t, tz).toISOString();

describe('zoned wall time', () => {
  test('Asia/Shanghai is UTC+8 all year', () => {
    assert.equal(utc('2026-11-27', '09:00', 'Asia/Shanghai'), '2026-11-27T01:00:00.000Z');
    assert.equal(utc('2026-07-01', '00:05', 'Asia/Shanghai'), '2026-06-30T16:05:00.000Z');
  });
  test('Europe/Berlin on both DST switch days and around them', () => {
    assert.equal(utc('2026-03-28', '09:00', 'Europe/Berlin'), '2026-03-28T08:00:00.000Z');
    assert.equal(utc('2026-03-29', '09:00', 'Europe/Berlin'), '2026-03-29T07:00:00.000Z');
    assert.equal(utc('2026-10-25', '09:00', 'Europe/Berlin'), '2026-10-25T08:00:00.000Z');
    assert.equal(utc('2026-10-24', '09:00', 'Europe/Berlin'), '2026-10-24T07:00:00.000Z');
  });
  test('a time skipped by spring-forward lands just after the gap; a repeated one takes its first occurrence', () => {
    assert.equal(utc('2026-03-29', '02:30', 'Europe/Berlin'), '2026-03-29T01:30:00.000Z'); // 03:30 CEST
    assert.equal(utc('2026-10-25', '02:30', 'Europe/Berlin'), '2026-10-25T00:30:00.000Z'); // 02:30 CEST
    assert.equal(utc('2026-11-01', '01:30', 'America/New_York'), '2026-11-01T05:30:00.000Z');
  });
  test('work date is the calendar date in the company zone', () => {
    assert.equal(workDateAt(new Date('2026-11-26T16:30:00Z'), 'Asia/Shanghai'), '2026-11-27');
    assert.equal(workDateAt(new Date('2026-11-26T15:59:59Z'), 'Asia/Shanghai'), '2026-11-26');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  });
  test('bad dates and times are refused', () => {
    assert.throws(() => zonedWallTimeToUtc('2026-1-1', '09:00', 'Asia/Shanghai'), RangeError);
    assert.throws(() => zonedWallTimeToUtc('2026-01-01', '24:00', 'Asia/Shanghai'), RangeError);
  });
});

describe('day schedule', () => {
  test('default policy in Shanghai: 08:00–16:00 with reminders at 09, 12, 15', () => {
    const s = computeDaySchedule('2026-11-27', defaultPolicy);
    assert.equal(s.opensAt, '2026-11-27T00:00:00.000Z');
    assert.equal(s.closesAt, '2026-11-27T08:00:00.000Z');
    assert.deepEqual(
      s.reminders.map((r) => [r.level, r.at]),
      [
        [1, '2026-11-27T01:00:00.000Z'],
        [2, '2026-11-27T04:00:00.000Z'],
        [3, '2026-11-27T07:00:00.000Z'],
      ],
    );
    assert.equal(s.lateUntil, '2026-11-27T16:00:00.000Z');
  });
  test('every day of a year keeps the 09:00 reminder at 09:00 local, in Berlin too', () => {
    const policy = { ...defaultPolicy, timeZone: 'Europe/Berlin' };
    for (let d = '2026-01-01'; d < '2027-01-01'; d = addDays(d, 1)) {
      const at = new Date(computeDaySchedule(d, policy).reminders[0]?.at ?? '');
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }).format(at);
      assert.equal(local, '09:00', d);
      assert.equal(workDateAt(at, 'Europe/Berlin'), d);
    }
  });
  test('compression keeps the order and proportions of the day', () => {
    const anchor = new Date('2026-11-27T10:00:00Z');
    const s = compressSchedule(computeDaySchedule('2026-11-27', defaultPolicy), anchor, 3600);
    assert.equal(s.opensAt, anchor.toISOString());
    assert.deepEqual(
      s.reminders.map((r) => r.at),
      ['2026-11-27T10:00:01.000Z', '2026-11-27T10:00:04.000Z', '2026-11-27T10:00:07.000Z'],
    );
    assert.equal(s.closesAt, '2026-11-27T10:00:08.000Z');
    assert.equal(s.timeScale, 3600);
    assert.equal(s.batchWindowMs, 300);
  });
  test('late submissions follow the policy', () => {
    const close = new Date('2026-11-27T08:00:00Z');
    const lateUntil = new Date('2026-11-27T09:00:00Z');
    const at = (iso: string) => new Date(iso);
    assert.equal(
      classifySubmission(at('2026-11-27T07:59:59Z'), close, lateUntil, { lateSubmissions: 'accept' }),
      'on_time',
    );
    assert.equal(
      classifySubmission(at('2026-11-27T08:30:00Z'), close, lateUntil, { lateSubmissions: 'accept' }),
      'late',
    );
    assert.equal(
      classifySubmission(at('2026-11-27T09:00:01Z'), close, lateUntil, { lateSubmissions: 'accept' }),
      'too_late',
    );
    assert.equal(
      classifySubmission(at('2026-11-27T08:00:01Z'), close, lateUntil, { lateSubmissions: 'refuse' }),
      'too_late',
    );
  });
  test('policies with reminders out of order or unknown zones are rejected', () => {
    assert.equal(
      checkinPolicySchema.safeParse({ ...defaultPolicy, reminderTimes: ['12:00', '09:00', '15:00'] }).success,
      false,
    );
    assert.equal(
      checkinPolicySchema.safeParse({ ...defaultPolicy, timeZone: 'Mars/Olympus' }).success,
      false,
    );
    assert.equal(checkinPolicySchema.safeParse(defaultPolicy).success, true);
  });
});
