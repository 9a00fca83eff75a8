// Daily retention: deletes audit rows and health records past their retention periods in bounded
// batches (each an activity), then photos and locations past their own (shorter) periods — each
// data class as the company set it in its privacy settings —, then records what it did in the
// audit log. A long backlog continues as new so the history stays small.
import { continueAsNew, patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import type { RetentionCutoffs } from '../activities/retention.ts';

type Activities = ReturnType<typeof createActivities>;

const {
  retentionCutoffs,
  purgeAuditBatch,
  purgeRecordBatch,
  purgePhotoBatch,
  purgeLocationBatch,
  recordRetentionRun,
} = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

export interface RetentionProgress {
  cutoffs?: RetentionCutoffs;
  auditDeleted?: number;
  recordsDeleted?: number;
  photosDeleted?: number;
  locationsRemoved?: number;
  /** the audit and record classes are done (a continued run goes on with photos and locations) */
  recordsDone?: boolean;
}

export interface RetentionResult {
  auditDeleted: number;
  recordsDeleted: number;
  photosDeleted?: number;
  locationsRemoved?: number;
}

const BATCHES_PER_RUN = 500;

export async function dataRetention(progress: RetentionProgress = {}): Promise<RetentionResult> {
  // Date.now() is Temporal's deterministic workflow clock here.
  const cutoffs = progress.cutoffs ?? (await retentionCutoffs({ now: new Date(Date.now()).toISOString() }));
  let auditDeleted = progress.auditDeleted ?? 0;
  let recordsDeleted = progress.recordsDeleted ?? 0;
  let photosDeleted = progress.photosDeleted ?? 0;
  let locationsRemoved = progress.locationsRemoved ?? 0;
  let batches = 0;
  if (!progress.recordsDone) {
    for (; ; batches++) {
      if (batches >= BATCHES_PER_RUN)
        return continueAsNew<typeof dataRetention>({ cutoffs, auditDeleted, recordsDeleted });
      const audit = await purgeAuditBatch({ before: cutoffs.auditBefore });
      const records = await purgeRecordBatch({ beforeDate: cutoffs.recordsBefore });
      auditDeleted += audit;
      recordsDeleted += records;
      if (audit === 0 && records === 0) break;
    }
  }
  // Photos and locations have their own periods (0015); histories from before have no such step.
  if (patched('retention-per-class') && cutoffs.photosBefore && cutoffs.locationsBefore) {
    for (; ; batches++) {
      if (batches >= BATCHES_PER_RUN)
        return continueAsNew<typeof dataRetention>({
          cutoffs,
          auditDeleted,
          recordsDeleted,
          photosDeleted,
          locationsRemoved,
          recordsDone: true,
        });
      const photos = await purgePhotoBatch({ before: cutoffs.photosBefore });
      const locations = await purgeLocationBatch({ beforeDate: cutoffs.locationsBefore });
      photosDeleted += photos;
      locationsRemoved += locations.removed;
      if (photos === 0 && locations.records === 0) break;
    }
    await recordRetentionRun({ cutoffs, auditDeleted, recordsDeleted, photosDeleted, locationsRemoved });
    return { auditDeleted, recordsDeleted, photosDeleted, locationsRemoved };
  }
  await recordRetentionRun({ cutoffs, auditDeleted, recordsDeleted });
  return { auditDeleted, recordsDeleted };
}
