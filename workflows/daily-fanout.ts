// Starts every active employee's day: plans the schedule once, then starts workflows in pages.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, proxyActivities, setHandler, startChild } from '@temporalio/workflow';
import { digestWorkflowId } from '../domain/workflow-ids.ts';
import { dailyDigest } from './daily-digest.ts';
import type { createActivities } from '../activities/index.ts';
import { fanoutProgressQuery, type FanoutProgress } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { planDay } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });
// Long-running: heartbeats the last employee id started, so a retry resumes from there.
const { startCheckinWorkflows } = proxyActivities<Activities>({
  startToCloseTimeout: '3 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export interface DailyFanoutInput {
  /** YYYY-MM-DD; omitted by the schedule, which means "today in the company's time zone" */
  workDate?: string;
  /** compress the day (tests and demos) */
  timeScale?: number;
  batchSize?: number;
}

export async function dailyFanout(
  input: DailyFanoutInput = {},
): Promise<FanoutProgress & { workDate: string }> {
  const progress: FanoutProgress = { started: 0, alreadyRunning: 0, done: false };
  setHandler(fanoutProgressQuery, () => progress);
  const schedule = await planDay({ workDate: input.workDate, timeScale: input.timeScale });
  const result = await startCheckinWorkflows({ schedule, batchSize: input.batchSize ?? 500 });
  // The day's digest outlives this workflow: it waits for the window to close.
  // (patched: fan-outs recorded before the digest existed replay without it)
  if (patched('daily-digest')) {
    try {
      await startChild(dailyDigest, {
        workflowId: digestWorkflowId(schedule.workDate),
        args: [{ workDate: schedule.workDate, closesAt: schedule.closesAt }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  progress.started = result.started;
  progress.alreadyRunning = result.alreadyRunning;
  progress.done = true;
  return { ...progress, workDate: schedule.workDate };
}
