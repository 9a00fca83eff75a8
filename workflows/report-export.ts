// A large export: generate the file (heartbeating progress), keep it for the retention period,
// then delete it. A worker killed mid-way resumes the activity; the file appears once.
import { ApplicationFailure, defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';

type Activities = ReturnType<typeof createActivities>;

const { generateExport } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});
const { markExportFailed, expireExport, retentionMs } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
});

export type ExportPhase = 'generating' | 'ready' | 'failed' | 'expired';
export const exportPhaseQuery = defineQuery<ExportPhase>('phase');

export async function reportExport(input: { exportId: number }): Promise<ExportPhase> {
  let phase: ExportPhase = 'generating';
  setHandler(exportPhaseQuery, () => phase);
  try {
    await generateExport(input);
  } catch (err) {
    phase = 'failed';
    await markExportFailed({ exportId: input.exportId, error: (err as Error).message });
    throw ApplicationFailure.nonRetryable(`export ${input.exportId} failed`);
  }
  phase = 'ready';
  await sleep(await retentionMs());
  await expireExport(input);
  phase = 'expired';
  return phase;
}
