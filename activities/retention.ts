// The retention job's batches: audit rows past AUDIT_RETENTION_DAYS, health records past
// RECORD_RETENTION_DAYS (by work date in the company's zone). Each batch is idempotent.
import { Context } from '@temporalio/activity';
import { addDays, workDateAt } from '../domain/zoned-time.ts';
import { insertAudit, purgeAuditBefore } from '../db/repositories/audit.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { purgeRecordsBefore } from '../db/repositories/retention.ts';
import type { ActivityDeps } from './deps.ts';

export interface RetentionCutoffs {
  /** audit rows older than this instant go */
  auditBefore: string;
  /** health records with a work date before this go */
  recordsBefore: string;
}

export function createRetentionActivities(deps: ActivityDeps) {
  const { db, config } = deps;
  return {
    async retentionCutoffs(input: { now: string }): Promise<RetentionCutoffs> {
      const now = new Date(input.now);
      const policy = await getPolicy(db);
      return {
        auditBefore: new Date(now.getTime() - config.retention.auditDays * 86_400_000).toISOString(),
        recordsBefore: addDays(workDateAt(now, policy.timeZone), -config.retention.recordDays),
      };
    },
    async purgeAuditBatch(input: { before: string }): Promise<number> {
      return purgeAuditBefore(db, new Date(input.before), config.retention.batchSize);
    },
    async purgeRecordBatch(input: { beforeDate: string }): Promise<number> {
      return purgeRecordsBefore(db, input.beforeDate, config.retention.batchSize);
    },
    /** One audit row per run, so the purge itself is visible in the audit log. */
    async recordRetentionRun(input: {
      cutoffs: RetentionCutoffs;
      auditDeleted: number;
      recordsDeleted: number;
    }) {
      await insertAudit(db, {
        actor: 'system:retention',
        actorRoles: [],
        action: 'retention.purge',
        targetType: 'retention',
        targetId: Context.current().info.workflowExecution?.workflowId ?? null,
        outcome: 'success',
        detail: { ...input.cutoffs, auditDeleted: input.auditDeleted, recordsDeleted: input.recordsDeleted },
      });
    },
  };
}
