// The reminder ladder, named once: the levels a day escalates through while nobody has submitted.
// Everything that sends, records or shows a level uses these names; the numbers are what Postgres
// (reminders_sent.level, checkin_days.level_reached), the policy and the recorded histories store.

export const ReminderLevels = {
  /** a DingTalk work notification (action card) to the employee; 100 recipients per call */
  notifyEmployee: 1,
  /** one post per department in its group, @-mentioning the manager (or a work notification to the manager) */
  mentionManager: 2,
  /** a DingTalk to-do for the nearest HR to phone the employee */
  hrCallTask: 3,
} as const;

export type ReminderLevelName = keyof typeof ReminderLevels;
export type ReminderLevel = (typeof ReminderLevels)[ReminderLevelName];

/** In the order a day escalates. */
export const REMINDER_LEVELS = [
  ReminderLevels.notifyEmployee,
  ReminderLevels.mentionManager,
  ReminderLevels.hrCallTask,
] as const satisfies readonly ReminderLevel[];

/** Stable snake_case names (logs, exports, the admin UI's labels). */
export const reminderLevelName: Record<ReminderLevel, string> = {
  1: 'notify_employee',
  2: 'mention_manager',
  3: 'hr_call_task',
};

/**
 * Staff's "remind now" (一键提醒) travels the ladder's batched path as a level of its own, 0: a work
 * notification like level 1 that never uses up a ladder level.
 */
export const MANUAL_REMINDER_LEVEL = 0;
export type ManualReminderLevel = typeof MANUAL_REMINDER_LEVEL;

export const isReminderLevel = (n: number): n is ReminderLevel =>
  (REMINDER_LEVELS as readonly number[]).includes(n);

/**
 * The highest level whose instant is at or before `at` (0 = none yet): what a day that was still
 * waiting at `at` has been sent, since its department's ladder sends each level at its instant to
 * everyone Postgres still shows pending.
 */
export function levelDueBy(reminders: readonly { level: ReminderLevel; at: string }[], at: number): number {
  let level = 0;
  for (const r of reminders) if (Date.parse(r.at) <= at && r.level > level) level = r.level;
  return level;
}

/**
 * The department ladders run on a task queue of their own, beside the main one: at an instant the
 * main queue holds a timer task for every open day, and the ladders' few tasks must not wait behind.
 */
export const ladderTaskQueue = (taskQueue: string) => `${taskQueue}-ladder`;

/**
 * A department's ladder owes a level to its people until the last moment any of them can still
 * submit (the day's `lateUntil`: after that a reminder asks for what can no longer be done), and at
 * least `floorMs` of real time after the level's last instant: a compressed demo or test day's late
 * window can be shorter than what does not compress (a dead worker noticed after its 10 s
 * heartbeat timeout, a worker restart, DingTalk's throttling pauses). A step that cannot send by
 * then (DingTalk or Postgres down, no worker) stops retrying and records who did not get the
 * level, and the ladder ends: it never outlives its day.
 */
export function ladderDeadline(
  days: readonly { lateUntil: string; at: string }[],
  floorMs: number,
): string | undefined {
  if (days.length === 0) return undefined;
  const t = Math.max(...days.map((d) => Math.max(Date.parse(d.lateUntil), Date.parse(d.at) + floorMs)));
  return new Date(t).toISOString();
}

/**
 * How a ladder step retries with `leftMs` to its deadline: at least once a minute, and at least ~30
 * times before the deadline (a compressed demo or test day has minutes, not hours), so an outage
 * that ends in time costs one short interval, not the rest of the day. Never faster than once a
 * second after the first failures (DingTalk's throttling answers need a pause).
 */
export function ladderStepRetry(leftMs: number): { initialIntervalMs: number; maximumIntervalMs: number } {
  const maximumIntervalMs = Math.round(Math.min(60_000, Math.max(1000, leftMs / 30)));
  return { initialIntervalMs: Math.max(250, Math.min(2000, maximumIntervalMs / 4)), maximumIntervalMs };
}
