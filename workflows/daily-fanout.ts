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

export interface DailyFanoutResult extends FanoutProgress {
  /** days already settled (submitted before the fan-out, or closed by an earlier run): not started */
  settled: number;
  workDate: string;
  /** false on holidays and days off: nobody is started */
  workday: boolean;
  dayName: string;
  /** false when the calendar package does not know the year (weekends only) */
  calendarCovered: boolean;
}

export async function dailyFanout(input: DailyFanoutInput = {}): Promise<DailyFanoutResult> {
  const progress: FanoutProgress = { started: 0, alreadyRunning: 0, exempt: 0, done: false };
  setHandler(fanoutProgressQuery, () => progress);
  const plan = await planDay({ workDate: input.workDate, timeScale: input.timeScale });
  // (histories from before the calendar have no `workday`: they always went on)
  const workday = plan.workday !== false;
  const summary = {
    workDate: plan.workDate,
    workday,
    dayName: plan.dayName,
    calendarCovered: plan.calendarCovered !== false,
  };
  if (!workday) {
    progress.done = true;
    return { ...progress, settled: 0, ...summary };
  }
  const result = await startCheckinWorkflows({ plan, batchSize: input.batchSize ?? 500 });
  // The day's digest outlives this workflow: it waits for the window to close. Its id is never
  // reused, so a second fan-out for the date cannot send a second 日报 after the first was sent.
  // (patched: fan-outs recorded before the digest existed replay without it)
  if (patched('daily-digest')) {
    try {
      await startChild(dailyDigest, {
        workflowId: digestWorkflowId(plan.workDate),
        args: [{ workDate: plan.workDate, closesAt: plan.closesAt }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  progress.started = result.started;
  progress.alreadyRunning = result.alreadyRunning;
  progress.exempt = result.exempt ?? 0;
  progress.done = true;
  return { ...progress, settled: result.settled ?? 0, ...summary };
}
