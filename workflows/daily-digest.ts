// At window close, one digest per manager and HR contact for their departments.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';

type Activities = ReturnType<typeof createActivities>;

const { sendDailyDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes' },
});

export interface DailyDigestInput {
  workDate: string;
  closesAt: string;
}

export async function dailyDigest(input: DailyDigestInput): Promise<{ recipients: number }> {
  const wait = Date.parse(input.closesAt) - Date.now();
  if (wait > 0) await sleep(wait);
  return sendDailyDigests({ workDate: input.workDate });
}
