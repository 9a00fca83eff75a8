// The retention job's batches, one data class at a time, each period the company's privacy setting
// or the configured default: audit rows (AUDIT_RETENTION_DAYS), health records
// (RECORD_RETENTION_DAYS, by work date in the company's zone), photos and locations (at most the
// records' period). Each batch is idempotent.
import { Context } from '@temporalio/activity';
import { addDays, workDateAt } from '../domain/zoned-time.ts';
import { markPhotosRemoved, removeLocations, retentionDays } from '../domain/privacy/minimisation.ts';
import { insertAudit, purgeAuditBefore } from '../db/repositories/audit.ts';
import { findFormVersionCached } from '../db/repositories/forms.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import {
  deleteAttachments,
  getPrivacySettings,
  lockPhotosBefore,
  lockRecordsOfSameDays,
  recordsWithLocationsBefore,
  setRecordCiphertexts,
} from '../db/repositories/privacy-settings.ts';
import { purgeRecordsBefore } from '../db/repositories/retention.ts';
import { keyringOf, openAnswers, openReasons, sealRecordFields } from '../db/sealed-fields.ts';
import type { ActivityDeps } from './deps.ts';

export interface RetentionCutoffs {
  /** audit rows older than this instant go */
  auditBefore: string;
  /** health records with a work date before this go */
  recordsBefore: string;
  /** photos uploaded before this instant go (absent in runs from before 0015) */
  photosBefore?: string;
  /** locations of records with a work date before this are removed */
  locationsBefore?: string;
  /** the days each class is kept, as decided for this run */
  days?: { records: number; photos: number; locations: number; audit: number };
}

export function createRetentionActivities(deps: ActivityDeps) {
  const { db, config } = deps;
  return {
    async retentionCutoffs(input: { now: string }): Promise<RetentionCutoffs> {
      const now = new Date(input.now);
      const [policy, settings] = await Promise.all([getPolicy(db), getPrivacySettings(db)]);
      const days = retentionDays(settings, config.retention);
      const today = workDateAt(now, policy.timeZone);
      return {
        auditBefore: new Date(now.getTime() - days.audit * 86_400_000).toISOString(),
        recordsBefore: addDays(today, -days.records),
        photosBefore: new Date(now.getTime() - days.photos * 86_400_000).toISOString(),
        locationsBefore: addDays(today, -days.locations),
        days,
      };
    },
    async purgeAuditBatch(input: { before: string }): Promise<number> {
      return purgeAuditBefore(db, new Date(input.before), config.retention.batchSize);
    },
    async purgeRecordBatch(input: { beforeDate: string }): Promise<number> {
      return purgeRecordsBefore(db, input.beforeDate, config.retention.batchSize);
    },
    /**
     * Deletes a batch of photos past the photo period and marks the answers that referenced them
     * as removed by retention (`{ photoId, status: 'removed' }`), in one transaction: a record never
     * points at an image that is gone without saying so. Photos referenced only by a record of
     * another day are not found here; reading them answers 410 all the same.
     */
    async purgePhotoBatch(input: { before: string }): Promise<number> {
      const k = keyringOf(db);
      return db.transaction().execute(async (trx) => {
        const photos = await lockPhotosBefore(trx, new Date(input.before), config.retention.batchSize);
        if (photos.length === 0) return 0;
        const ids = new Set(photos.map((p) => p.id));
        const linked = [...new Set(photos.flatMap((p) => (p.record_id === null ? [] : [p.record_id])))];
        for (const row of await lockRecordsOfSameDays(trx, linked)) {
          const { answers, removed } = markPhotosRemoved(openAnswers(row.answers_ct, k), ids);
          if (removed > 0)
            await setRecordCiphertexts(
              trx,
              row.id,
              sealRecordFields({ answers, reasons: openReasons(row.reasons_ct, k) }, k),
            );
        }
        return deleteAttachments(trx, [...ids]);
      });
    },
    /** Replaces the locations in records past the location period with "removed"; records looked at, locations removed. */
    async purgeLocationBatch(input: { beforeDate: string }): Promise<{ records: number; removed: number }> {
      const k = keyringOf(db);
      return db.transaction().execute(async (trx) => {
        const rows = await recordsWithLocationsBefore(trx, input.beforeDate, config.retention.batchSize);
        let total = 0;
        for (const row of rows) {
          const form =
            row.form_version === null ? undefined : await findFormVersionCached(db, row.form_version);
          const { answers, removed } = removeLocations(form?.definition, openAnswers(row.answers_ct, k));
          // one key per row: both ciphertexts are sealed again under the active key
          const set =
            removed > 0 ? sealRecordFields({ answers, reasons: openReasons(row.reasons_ct, k) }, k) : {};
          total += removed;
          await trx
            .updateTable('health_records')
            .set({ ...set, locations_removed_at: new Date() })
            .where('id', '=', row.id)
            .execute();
        }
        return { records: rows.length, removed: total };
      });
    },
    /** One audit row per run, so the purge itself is visible in the audit log. */
    async recordRetentionRun(input: {
      cutoffs: RetentionCutoffs;
      auditDeleted: number;
      recordsDeleted: number;
      photosDeleted?: number;
      locationsRemoved?: number;
    }) {
      const { cutoffs, ...counts } = input;
      await insertAudit(db, {
        actor: 'system:retention',
        actorRoles: [],
        action: 'retention.purge',
        targetType: 'retention',
        targetId: Context.current().info.workflowExecution?.workflowId ?? null,
        outcome: 'success',
        detail: { ...cutoffs, ...counts },
      });
    },
  };
}
