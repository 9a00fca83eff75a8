// Gathers one department's employees who reached a reminder level and sends once for all of them:
// a group robot may post only 20 messages a minute, and one work notification carries 100 people.
import { condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { MANUAL_REMINDER_LEVEL, type ManualReminderLevel } from '../domain/manual-reminder.ts';
import type { ReminderLevel } from '../domain/policy.ts';
import type { createActivities } from '../activities/index.ts';
import { pendingSignal } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { notifyEmployees, mentionManager } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // A worker that dies mid-batch is noticed within 10 s, not after the whole timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DepartmentBatchInput {
  departmentId: number;
  workDate: string;
  /** a ladder level, or 0 for staff's "remind now" (a work notification like level 1) */
  level: ReminderLevel | ManualReminderLevel;
  batchWindowMs: number;
}

export async function departmentReminderBatch(input: DepartmentBatchInput): Promise<{ batches: number }> {
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
    if (input.level === 1) await notifyEmployees(args);
    else if (input.level === MANUAL_REMINDER_LEVEL)
      await notifyEmployees({ ...args, level: MANUAL_REMINDER_LEVEL });
    else await mentionManager(args);
    batches++;
  }
  return { batches };
}
