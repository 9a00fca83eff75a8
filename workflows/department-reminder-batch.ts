// One department's reminder level for a day. Two ways in:
// - the ladder (`dueAt` set, started by the fan-out): sleeps until each instant at which the level
//   falls due in the department, then runs one activity that sends it to everyone Postgres still
//   shows pending — the 09:00 burst costs a timer and an activity per department, not per person;
// - a batch (no `dueAt`: staff's "remind now", and day workflows recorded before the ladder): gathers
//   the employees signalled within a window and sends once for all of them.
// Either way one message reaches many people: a group robot may post only 20 messages a minute, and
// one work notification carries 100 people.
import {
  ActivityFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  MANUAL_REMINDER_LEVEL,
  ReminderLevels,
  ladderStepRetry,
  type ManualReminderLevel,
  type ReminderLevel,
} from '../domain/reminders/ladder.ts';
import type { createActivities } from '../activities/index.ts';
import { ladderDueSignal, pendingSignal } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

/** A batch ("remind now") stops retrying after this long and records who did not get it. */
const BATCH_DEADLINE_MS = 3600_000;
const { notifyEmployees, mentionManager } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: BATCH_DEADLINE_MS,
  // A worker that dies mid-batch is noticed within 10 s, not after the whole timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Ladders started before deadlines (no `until`): as they were recorded.
const { remindDepartment: remindDepartmentUnbounded } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/**
 * A ladder step with `leftMs` to the ladder's deadline. A department of thousands waits its turn
 * for DingTalk's per-app rate: minutes, heartbeating after every call, so a worker that dies
 * mid-step is noticed within 10 s. It retries until the deadline and no longer (ladderStepRetry).
 */
const stepActivities = (leftMs: number) => {
  const { initialIntervalMs, maximumIntervalMs } = ladderStepRetry(leftMs);
  return proxyActivities<Activities>({
    scheduleToCloseTimeout: leftMs,
    startToCloseTimeout: Math.min(30 * 60_000, leftMs),
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: initialIntervalMs, backoffCoefficient: 2, maximumInterval: maximumIntervalMs },
  });
};
// Recording what a level did not send: Postgres only, a few minutes at most; the ladder ends either way.
const { expireDepartmentLevel } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** The failure's chain in one line: a timeout names the last attempt's error as its cause. */
const failureText = (err: ActivityFailure): string => {
  const parts: string[] = [];
  for (let e: Error | undefined = err.cause; e && parts.length < 3; e = (e as { cause?: Error }).cause)
    parts.push(e.message);
  return parts.join(': ') || err.message;
};

/** Records who a level did not reach and why; a failure to record is logged, never blocks the end. */
async function expire(input: Parameters<typeof expireDepartmentLevel>[0]): Promise<void> {
  try {
    await expireDepartmentLevel(input);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('could not record the reminders not sent', { ...input, error: err.cause?.message });
  }
}

export interface DepartmentBatchInput {
  departmentId: number;
  workDate: string;
  /** a ladder level, or 0 for staff's "remind now" (a work notification like level 1) */
  level: ReminderLevel | ManualReminderLevel;
  batchWindowMs: number;
  /** the ladder: the level's instants in this department (one per time zone of its people) */
  dueAt?: string[];
  /**
   * the ladder's deadline (ISO): the latest `lateUntil` of the department's days. Nothing is sent
   * after it; what a step could not send by then is recorded as not sent and the ladder ends.
   * (Absent in ladders started before deadlines existed.)
   */
  until?: string;
}

export interface DepartmentBatchResult {
  batches: number;
  /** people recorded as not sent because a step ran out of time (DingTalk or Postgres down) */
  expired?: boolean;
}

export async function departmentReminderBatch(input: DepartmentBatchInput): Promise<DepartmentBatchResult> {
  if (input.dueAt && input.level !== MANUAL_REMINDER_LEVEL)
    return departmentLadder({ ...input, level: input.level, dueAt: input.dueAt });
  const seen = new Set<number>();
  let pending: number[] = [];
  setHandler(pendingSignal, ({ employeeIds }) => {
    for (const id of employeeIds) {
      if (!seen.has(id)) {
        seen.add(id);
        pending.push(id);
      }
    }
  });
  const { workflowId, runId } = workflowInfo();
  let batches = 0;
  // Stay open a little after the last batch so stragglers of the same level share this run.
  while (await condition(() => pending.length > 0, Math.max(input.batchWindowMs * 2, 1000))) {
    await sleep(input.batchWindowMs);
    const employeeIds = pending;
    pending = [];
    const args = {
      departmentId: input.departmentId,
      workDate: input.workDate,
      employeeIds,
      batchKey: `${workflowId}/${runId}/${batches}`,
    };
    try {
      if (input.level === ReminderLevels.notifyEmployee) await notifyEmployees(args);
      else if (input.level === MANUAL_REMINDER_LEVEL)
        await notifyEmployees({ ...args, level: MANUAL_REMINDER_LEVEL });
      else await mentionManager(args);
    } catch (err) {
      // Out of retries (an hour of DingTalk or Postgres down): record it, end the batch.
      if (!(err instanceof ActivityFailure)) throw err;
      await expire({
        departmentId: input.departmentId,
        workDate: input.workDate,
        level: input.level,
        batchKey: args.batchKey,
        employeeIds,
        reason: `not sent within ${BATCH_DEADLINE_MS / 60_000} minutes: ${failureText(err)}`,
      });
      return { batches, expired: true };
    }
    batches++;
  }
  return { batches };
}

/**
 * Sends the level at each instant; a signal with more instants (a new time zone, a re-run fan-out's
 * late days, a day workflow recorded before the ladder) makes it look again at once. Each look
 * claims (employee, day, level) rows, so looking twice never sends twice.
 */
async function departmentLadder(
  input: DepartmentBatchInput & { level: ReminderLevel; dueAt: string[] },
): Promise<DepartmentBatchResult> {
  const due = new Set(input.dueAt);
  let until = input.until === undefined ? undefined : Date.parse(input.until);
  let lookNow = false;
  setHandler(ladderDueSignal, ({ dueAt, until: later }) => {
    for (const at of dueAt) due.add(at);
    if (until !== undefined && later !== undefined) until = Math.max(until, Date.parse(later));
    // an instant already past: days started after it (a re-run fan-out) get the level now
    if (dueAt.some((at) => Date.parse(at) <= Date.now())) lookNow = true;
  });
  setHandler(pendingSignal, () => {
    lookNow = true;
  });
  const { workflowId, runId } = workflowInfo();
  let batches = 0;
  /** instants up to this one are sent */
  let covered = -Infinity;
  for (;;) {
    const ahead = [...due].map((at) => Date.parse(at)).filter((t) => t > covered);
    if (!lookNow) {
      if (ahead.length === 0) {
        // Stay open a little for stragglers, as a batch does.
        if (!(await condition(() => lookNow, Math.max(input.batchWindowMs * 2, 1000)))) break;
      } else {
        const ms = Math.min(...ahead) - Date.now();
        if (ms > 0) await condition(() => lookNow, ms);
      }
    }
    lookNow = false;
    const now = Date.now();
    covered = Math.max(covered, ...[...due].map((at) => Date.parse(at)).filter((t) => t <= now));
    const step = {
      departmentId: input.departmentId,
      workDate: input.workDate,
      level: input.level,
      batchKey: `${workflowId}/${runId}/${batches}`,
    };
    if (until === undefined) {
      await remindDepartmentUnbounded(step);
      batches++;
      continue;
    }
    // The step retries until the deadline; then the level is recorded as not sent and the ladder
    // ends (an instant after the deadline owes nothing either).
    const deadline = new Date(until).toISOString();
    let failure: string | undefined = `the deadline ${deadline} had passed before the step ran`;
    if (until > now) {
      try {
        await stepActivities(until - now).remindDepartment({ ...step, until: deadline });
        failure = undefined;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        failure = `not sent by the deadline ${deadline}: ${failureText(err)}`;
      }
    }
    if (failure !== undefined) {
      await expire({ ...step, reason: failure });
      return { batches, expired: true };
    }
    batches++;
  }
  return { batches };
}
