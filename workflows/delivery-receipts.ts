// After a work-notification reminder: asks DingTalk a few times who read it, got it, or never
// could (getsendresult), until everyone's state is final or the last check is done.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';

type Activities = ReturnType<typeof createActivities>;

const { recordDeliveryReceipts } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // a worker that died mid-check is noticed in 30 s, not after the whole minute
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 8,
  },
});

export interface DeliveryReceiptsInput {
  workDate: string;
  level: number;
  /** DingTalk task ids of the notifications sent for this level */
  taskIds: string[];
  /** when to ask, in ms after sending, ascending */
  delaysMs: number[];
}

export async function deliveryReceipts(
  input: DeliveryReceiptsInput,
): Promise<{ checks: number; open: number }> {
  let waited = 0;
  let checks = 0;
  let open = 0;
  for (const at of input.delaysMs) {
    await sleep(Math.max(0, at - waited));
    waited = Math.max(waited, at);
    ({ open } = await recordDeliveryReceipts({
      workDate: input.workDate,
      level: input.level,
      taskIds: input.taskIds,
    }));
    checks++;
    if (open === 0) break;
  }
  return { checks, open };
}
