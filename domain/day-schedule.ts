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

/**
 * A day has nothing to do before its window opens (nobody can submit yet, its first instant is
 * later): started before that, it waits in the server (a start delay) instead of running a first
 * workflow task at fan-out time. Starting costs the server one write and the worker nothing, and the
 * worker holds no state for it until then. A signal sent during the delay (a submission, an
 * exemption) is kept and delivered with the first task; a query is refused until then.
 *
 * The delays end spread over the window before the first reminder (by employee), not all at the
 * opening: a first task only sets timers, and 100k of them released at one instant queue in the
 * server ahead of the department ladders' 09:00 tasks (measured: a 20k burst on the dev server got
 * no level-1 message within 4 min when every delay ended 10 min before level 1). The last ones end
 * a margin (a tenth of that span, at most 5 min) before the first reminder. A day started once its
 * window is open is not delayed.
 */
export function dayStartDelayMs(schedule: DaySchedule, employeeId: number, now: number): number | undefined {
  const opens = Date.parse(schedule.opensAt);
  // started inside its window (a late fan-out, a new hire): runs at once, as before
  if (now >= opens) return undefined;
  const first = schedule.reminders[0] ? Date.parse(schedule.reminders[0].at) : opens;
  const span = Math.max(0, first - opens);
  const usable = span - Math.min(span / 10, 5 * 60_000);
  // a fixed, well-mixed fraction per employee (Knuth's multiplicative hash), so a retried start
  // asks for the same moment
  const fraction = ((Math.imul(employeeId, 2654435761) >>> 0) % 10_000) / 10_000;
  const ms = opens + Math.floor(usable * fraction) - now;
  // (below a second the first task might as well run now)
  return ms >= 1000 ? ms : undefined;
}

/**
 * Where the ladder stands at `now`: the highest level whose instant has passed (0 = none) and the
 * next instant. The day workflow does not wake at each instant (the department ladders send), so
 * it works its progress out from the clock instead of from timers.
 */
export function ladderPosition(
  schedule: Pick<DaySchedule, 'reminders'>,
  now: number,
): { levelReached: number; nextReminderAt: string | null } {
  let levelReached = 0;
  for (const r of schedule.reminders) {
    if (Date.parse(r.at) > now) return { levelReached, nextReminderAt: r.at };
    levelReached = Math.max(levelReached, r.level);
  }
  return { levelReached, nextReminderAt: null };
}
