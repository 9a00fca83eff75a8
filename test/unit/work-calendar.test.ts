// The work calendar as a pure function: statutory days, make-up days, overrides, fallback, exemptions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  dayKind,
  exemptionFor,
  isYearCovered,
  isoWeekday,
  specialDays,
} from '../../domain/calendar/work-calendar.ts';

const none = new Map();

describe('work calendar', () => {
  test('2026: National Day is off, the make-up Saturdays are work days', () => {
    assert.equal(dayKind('2026-10-01', none).workday, false);
    for (const d of ['2026-02-14', '2026-02-28', '2026-10-10']) {
      assert.deepEqual(
        [dayKind(d, none).workday, dayKind(d, none).source, isoWeekday(d)],
        [true, 'statutory', 6],
        d,
      );
    }
    assert.equal(dayKind('2026-11-27', none).workday, true);
    assert.equal(dayKind('2026-11-28', none).workday, false);
  });
  test('company overrides win over the statutory calendar', () => {
    const o = new Map([
      ['2026-10-01', { kind: 'workday' as const, note: '值班' }],
      ['2026-11-27', { kind: 'day_off' as const, note: null }],
    ]);
    assert.deepEqual(dayKind('2026-10-01', o), {
      date: '2026-10-01',
      workday: true,
      source: 'company',
      name: '值班',
    });
    assert.equal(dayKind('2026-11-27', o).workday, false);
  });
  test('a year the package does not know falls back to weekends and says so', () => {
    assert.equal(isYearCovered(2026), true);
    assert.equal(isYearCovered(2031), false);
    assert.deepEqual(dayKind('2031-01-01', none), {
      date: '2031-01-01',
      workday: true,
      source: 'weekend_fallback',
      name: 'weekday',
    });
    assert.equal(dayKind('2031-01-04', none).workday, false);
    assert.deepEqual(specialDays(2031, none), []);
  });
  test('special days of 2026 list holidays and make-up days but not ordinary weekends', () => {
    const days = specialDays(2026, none).map((d) => d.date);
    assert.ok(days.includes('2026-10-01') && days.includes('2026-10-10'));
    assert.ok(!days.includes('2026-11-28'));
  });
  test('exemptions: leave, business trips, part-time weekdays', () => {
    const leave = [{ kind: 'leave' as const, from_date: '2026-12-01', to_date: '2026-12-03' }];
    const trip = [{ kind: 'business_trip' as const, from_date: '2026-12-01', to_date: '2026-12-01' }];
    assert.equal(exemptionFor({ workdays: null }, '2026-12-03', leave), 'leave');
    assert.equal(exemptionFor({ workdays: null }, '2026-12-04', leave), null);
    assert.equal(exemptionFor({ workdays: null }, '2026-12-01', trip), 'business_trip');
    assert.equal(exemptionFor({ workdays: [1, 3, 5] }, '2026-12-01', []), 'part_time'); // a Tuesday
    assert.equal(exemptionFor({ workdays: [1, 3, 5] }, '2026-12-02', []), null);
  });
});
