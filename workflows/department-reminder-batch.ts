// One department's reminder level for a day. Two ways in:
// - the ladder (`dueAt` set, started by the fan-out): sleeps until each instant at which the level
//   falls due in the department, then runs one activity that sends it to everyone Postgres still
//   shows pending — the 09:00 burst costs a timer and an activity per department, not per person;
// - a batch (no `dueAt`: staff's "remind now", and day workflows recorded before the ladder): gathers
//   the employees signalled within a window and sends once for all of them.
// Either way one message reaches many people: a group robot may post only 20 messages a minute, and
// one work notification carries 100 people.
import { condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import {
  MANUAL_REMINDER_LEVEL,
  ReminderLevels,
  type ManualReminderLevel,
  type ReminderLevel,
} from '../domain/reminders/ladder.ts';
import type { createActivities } from '../activities/index.ts';
import { ladderDueSignal, pendingSignal } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { notifyEmployees, mentionManager } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // A worker that dies mid-batch is noticed within 10 s, not after the whole timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// A department of thousands waits its turn for DingTalk's per-app rate: minutes, heartbeating
// after every call, so a worker that dies mid-step is noticed within 10 s.
const { remindDepartment } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DepartmentBatchInput {
  departmentId: number;
  workDate: string;
  /** a ladder level, or 0 for staff's "remind now" (a work notification like level 1) */
  level: ReminderLevel | ManualReminderLevel;
  batchWindowMs: number;
  /** the ladder: the level's instants in this department (one per time zone of its people) */
  dueAt?: string[];
}

export async function departmentReminderBatch(input: DepartmentBatchInput): Promise<{ batches: number }> {
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
    if (input.level === ReminderLevels.notifyEmployee) await notifyEmployees(args);
    else if (input.level === MANUAL_REMINDER_LEVEL)
      await notifyEmployees({ ...args, level: MANUAL_REMINDER_LEVEL });
    else await mentionManager(args);
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
): Promise<{ batches: number }> {
  const due = new Set(input.dueAt);
  let lookNow = false;
  setHandler(ladderDueSignal, ({ dueAt }) => {
    for (const at of dueAt) due.add(at);
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
    await remindDepartment({
      departmentId: input.departmentId,
      workDate: input.workDate,
      level: input.level,
      batchKey: `${workflowId}/${runId}/${batches}`,
    });
    batches++;
  }
  return { batches };
}
