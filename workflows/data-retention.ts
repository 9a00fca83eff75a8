// Daily retention: deletes audit rows and health records past their retention periods in bounded
// batches (each an activity), then records what it did in the audit log. A long backlog continues
// as new so the history stays small.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import type { RetentionCutoffs } from '../activities/retention.ts';

type Activities = ReturnType<typeof createActivities>;

const { retentionCutoffs, purgeAuditBatch, purgeRecordBatch, recordRetentionRun } =
  proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
  });

export interface RetentionProgress {
  cutoffs?: RetentionCutoffs;
  auditDeleted?: number;
  recordsDeleted?: number;
}

export interface RetentionResult {
  auditDeleted: number;
  recordsDeleted: number;
}

const BATCHES_PER_RUN = 500;

export async function dataRetention(progress: RetentionProgress = {}): Promise<RetentionResult> {
  // Date.now() is Temporal's deterministic workflow clock here.
  const cutoffs = progress.cutoffs ?? (await retentionCutoffs({ now: new Date(Date.now()).toISOString() }));
  let auditDeleted = progress.auditDeleted ?? 0;
  let recordsDeleted = progress.recordsDeleted ?? 0;
  for (let batches = 0; ; batches++) {
    if (batches >= BATCHES_PER_RUN)
      return continueAsNew<typeof dataRetention>({ cutoffs, auditDeleted, recordsDeleted });
    const audit = await purgeAuditBatch({ before: cutoffs.auditBefore });
    const records = await purgeRecordBatch({ beforeDate: cutoffs.recordsBefore });
    auditDeleted += audit;
    recordsDeleted += records;
    if (audit === 0 && records === 0) break;
  }
  await recordRetentionRun({ cutoffs, auditDeleted, recordsDeleted });
  return { auditDeleted, recordsDeleted };
}
