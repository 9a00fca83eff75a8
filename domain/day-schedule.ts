// Turns (work date, policy) into the UTC instants of one employee's day. Runs outside workflows
// so that tz data can never change a running workflow's replay: workflows receive the instants.
import type { CheckinPolicy } from './policy.ts';
import { REMINDER_LEVELS, type ReminderLevel } from './reminders/ladder.ts';
import { zonedWallTimeToUtc } from './zoned-time.ts';

export interface DaySchedule {
  workDate: string;
  timeZone: string;
  /** ISO-8601 UTC instants */
  opensAt: string;
  closesAt: string;
  /** submissions after this are refused when the policy refuses late ones */
  lateUntil: string;
  reminders: { level: ReminderLevel; at: string }[];
  /** >1 when the day is compressed for a demo or a test */
  timeScale: number;
  dingPhoneCall: boolean;
  /** how long a department batch gathers employees before sending one message */
  batchWindowMs: number;
}

export function computeDaySchedule(
  workDate: string,
  policy: CheckinPolicy,
  batchWindowMs = 20_000,
): DaySchedule {
  const at = (time: string) => zonedWallTimeToUtc(workDate, time, policy.timeZone);
  const closes = at(policy.windowEnd);
  return {
    workDate,
    timeZone: policy.timeZone,
    opensAt: at(policy.windowStart).toISOString(),
    closesAt: closes.toISOString(),
    lateUntil: new Date(closes.getTime() + policy.lateGraceMinutes * 60_000).toISOString(),
    reminders: policy.reminderTimes
      // reminderTimes[i] is the instant of the ladder's i-th level
      .map((time, i) => ({ level: REMINDER_LEVELS[i] as ReminderLevel, at: at(time).toISOString() }))
      .filter((r) => policy.enabledLevels.includes(r.level)),
    timeScale: 1,
    dingPhoneCall: policy.dingPhoneCall,
    batchWindowMs,
  };
}

/**
 * Compresses a day so it starts at `anchor` and runs `scale` times faster: with scale 3600 an
 * 8-hour window passes in 8 seconds. Scale 1 only moves the day to open at `anchor` (a test's
 * real-time day, open whatever the wall clock says). Used by tests and by the demo; the ladder
 * logic is unchanged.
 */
export function compressSchedule(s: DaySchedule, anchor: Date, scale: number): DaySchedule {
  if (scale < 1) throw new RangeError(`time scale must be at least 1, not ${scale}`);
  const open = Date.parse(s.opensAt);
  const map = (iso: string) => new Date(anchor.getTime() + (Date.parse(iso) - open) / scale).toISOString();
  return {
    ...s,
    opensAt: anchor.toISOString(),
    closesAt: map(s.closesAt),
    lateUntil: map(s.lateUntil),
    reminders: s.reminders.map((r) => ({ level: r.level, at: map(r.at) })),
    timeScale: scale,
    batchWindowMs: Math.max(300, Math.round(s.batchWindowMs / scale)),
  };
}

export type SubmissionTiming = 'on_time' | 'late' | 'too_late';

export function classifySubmission(
  submittedAt: Date,
  closesAt: Date,
  lateUntil: Date,
  policy: Pick<CheckinPolicy, 'lateSubmissions'>,
): SubmissionTiming {
  if (submittedAt.getTime() <= closesAt.getTime()) return 'on_time';
  if (policy.lateSubmissions === 'refuse') return 'too_late';
  return submittedAt.getTime() <= lateUntil.getTime() ? 'late' : 'too_late';
}
