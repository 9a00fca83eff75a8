// Activities of the data-rights workflows: an employee's correction or deletion request that HR
// decides (load, notify HR, apply the decision with its audit row) and the deletion of a departed
// employee's health data after the grace period. Each is idempotent.
import { ApplicationFailure } from '@temporalio/common';
import type { Transaction } from 'kysely';
import { assess, HISTORY_DAYS } from '../domain/anomaly/evaluate.ts';
import type { FormDefinition } from '../domain/forms/form-definition.ts';
import { correctionErrors, reviewAfterCorrection } from '../domain/privacy/data-request.ts';
import { reviewWorkflowId } from '../domain/workflow-ids.ts';
import { addDays } from '../domain/zoned-time.ts';
import type { DB } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { insertAudit } from '../db/repositories/audit.ts';
import {
  decideDataRequestRow,
  findDataRequest,
  lockDataRequest,
  markDataRequestNotified,
} from '../db/repositories/data-requests.ts';
import { findFormVersionCached } from '../db/repositories/forms.ts';
import {
  deletePersonHealthData,
  employeeActivity,
  getPrivacySettings,
  lockEmployeeActivity,
  lockLaterCurrentRecords,
  lockOwnRecord,
  setCorrectedRecord,
} from '../db/repositories/privacy-settings.ts';
import { enqueueOutbox, outboxSignal, outboxStart } from '../db/repositories/outbox.ts';
import { recordHistoryBefore } from '../db/repositories/records.ts';
import { lockReviewOfRecord, openReviewIfAbnormal, updateReview } from '../db/repositories/reviews.ts';
import { findReachablePeople, loadRouting, reviewersFor } from '../db/repositories/reviewer-routing.ts';
import { findEmployeeById } from '../db/repositories/org.ts';
import { keyringOf, openAnswers, openReasons, sealRecordFields } from '../db/sealed-fields.ts';
import { anomalyReview } from '../workflows/anomaly-review.ts';
import {
  DECIDE_CONFLICT,
  severityChangedSignal,
  type DataRequestDecision,
  type DataRequestResult,
} from '../workflows/messages.ts';
import { toRetryableFailure } from './dingtalk-failure.ts';
import type { ActivityDeps } from './deps.ts';

/** A correction's answers that do not fit the record's form (the API checks first). */
export const CORRECTION_INVALID = 'CorrectionInvalid';

const kindText = { correction: '更正', deletion: '删除' } as const;

export function createDataRightsActivities({ db, dingtalk, config, logger }: ActivityDeps) {
  const base = config.api.publicBaseUrl;
  return {
    async loadDataRequest(input: { requestId: number }) {
      const r = await findDataRequest(db, input.requestId);
      if (!r) throw ApplicationFailure.nonRetryable(`data request ${input.requestId} not found`);
      return {
        requestId: r.id,
        employeeId: r.employee_id,
        status: r.status,
        escalated: r.escalated,
        reminders: r.reminders,
        createdAt: r.created_at.toISOString(),
        deadlineMs: config.dataRequests.deadlineMs,
        reminderMs: config.dataRequests.reminderMs,
      };
    },

    /**
     * Tells HR of the request: the HR contact up the employee's department tree (or company-wide HR)
     * first and at each reminder; company-wide HR once it escalated. Counted on the request.
     */
    async notifyDataRequest(input: {
      requestId: number;
      stage: 'hr' | 'reminder' | 'escalated' | 'escalated_reminder';
    }) {
      const r = await findDataRequest(db, input.requestId);
      if (!r || r.status !== 'pending') return { notified: false };
      const escalated = input.stage === 'escalated' || input.stage === 'escalated_reminder';
      const ids = escalated
        ? (await loadRouting(db, r.department_id)).companyHr.filter((id) => id !== r.employee_id)
        : (await reviewersFor(db, r.department_id, 'hr', r.employee_id)).employeeIds;
      const people = await findReachablePeople(db, ids);
      const employee = await findEmployeeById(db, r.employee_id);
      if (people.length > 0) {
        const head = {
          hr: '请 HR 处理',
          reminder: '提醒：仍待 HR 处理',
          escalated: '未在时限内处理，已升级至公司 HR',
          escalated_reminder: '提醒：已升级，仍待处理',
        }[input.stage];
        try {
          await dingtalk.sendWorkNotification(
            people.map((p) => p.dingtalk_user_id),
            {
              msgtype: 'action_card',
              action_card: {
                title: `个人信息${kindText[r.kind]}申请 #${r.id}`,
                markdown:
                  `### 个人信息${kindText[r.kind]}申请 #${r.id}\n\n${employee?.name ?? ''} ` +
                  `提交了${kindText[r.kind]}申请。${head}：批准 / 驳回（须填写理由）。`,
                single_title: '去处理',
                single_url: `${base}/admin/#/data-requests/${r.id}/show`,
              },
            },
          );
        } catch (err) {
          throw toRetryableFailure(err);
        }
      } else {
        logger.warn({ requestId: r.id, stage: input.stage }, 'no HR anywhere to decide a data request');
      }
      await markDataRequestNotified(db, r.id, escalated);
      return { notified: people.length > 0 };
    },

    /**
     * Stores HR's decision with its audit row (who, when, why, and what it did: counts of what an
     * approved deletion removed, the fields a correction changed — never contents). A retry of the
     * same decision returns what was stored.
     */
    async applyDataRequestDecision(
      input: { requestId: number } & DataRequestDecision,
    ): Promise<DataRequestResult> {
      const status = input.decision === 'approve' ? 'approved' : 'rejected';
      return db.transaction().execute(async (trx) => {
        const r = await lockDataRequest(trx, input.requestId);
        if (!r) throw ApplicationFailure.nonRetryable(`data request ${input.requestId} not found`);
        if (r.status !== 'pending') {
          if (r.status === status && r.decided_by === input.decidedBy && r.decided_at)
            return {
              requestId: r.id,
              status,
              decidedAt: r.decided_at.toISOString(),
              outcome: r.outcome,
            };
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'This request has already been decided',
            nonRetryable: true,
          });
        }
        let outcome: Record<string, unknown> | null = null;
        if (status === 'approved' && r.kind === 'deletion') {
          const deleted = await deletePersonHealthData(trx, r.employee_id, r.record_id ?? undefined);
          outcome = { deleted, scope: r.record_id === null ? 'all' : 'record' };
        } else if (status === 'approved' && r.kind === 'correction') {
          outcome = { correctedFields: [] as string[], recordId: r.record_id };
          if (input.corrections && r.record_id !== null) {
            const rec = await lockOwnRecord(trx, r.employee_id, r.record_id);
            if (!rec)
              throw ApplicationFailure.nonRetryable('the record of this request is gone', CORRECTION_INVALID);
            const k = keyringOf(trx);
            const before = openAnswers(rec.answers_ct, k);
            const merged = { ...before, ...input.corrections };
            const form =
              rec.form_version === null ? undefined : await findFormVersionCached(db, rec.form_version);
            if (form) {
              const errors = correctionErrors(form.definition, before, input.corrections);
              if (errors.length)
                throw ApplicationFailure.nonRetryable(
                  errors.map((e) => `${e.field}: ${e.message.en}`).join('; '),
                  CORRECTION_INVALID,
                );
            }
            outcome.correctedFields = Object.keys(input.corrections).filter(
              (key) => JSON.stringify(before[key]) !== JSON.stringify(merged[key]),
            );
            Object.assign(outcome, await reassessCorrected(trx, rec, merged, form?.definition));
            // later days' history rules read this one (a rechecked, no longer current, record is not read)
            if (rec.is_current) {
              const laterDays = await reassessLaterDays(trx, db, rec);
              if (laterDays.length) outcome.laterDays = laterDays;
            }
          }
        }
        const decided = await decideDataRequestRow(trx, r.id, {
          status,
          decidedBy: input.decidedBy,
          deciderEmployeeId: input.deciderEmployeeId,
          reason: input.reason,
          outcome,
        });
        await insertAudit(trx, {
          actor: input.decidedBy,
          actorRoles: input.deciderRoles,
          action: `data_requests.${input.decision}`,
          targetType: 'employee',
          targetId: String(r.employee_id),
          outcome: 'success',
          detail: {
            requestId: r.id,
            kind: r.kind,
            recordId: r.record_id,
            reason: input.reason,
            requestedAt: r.created_at.toISOString(),
            escalated: r.escalated,
            ...(outcome ?? {}),
          },
        });
        return { requestId: r.id, status, decidedAt: decided.decided_at?.toISOString() ?? '', outcome };
      });
    },

    /** Active, or when the health data of a departed employee is due for deletion. */
    async departureState(input: { employeeId: number }) {
      const e = await employeeActivity(db, input.employeeId);
      if (!e) return { state: 'gone' as const };
      if (e.active || e.deactivated_at === null) return { state: 'active' as const };
      const grace = await graceMs();
      return {
        state: 'departed' as const,
        deleteAt: new Date(e.deactivated_at.getTime() + grace).toISOString(),
      };
    },

    /** Deletes the departed employee's health data if (still) due; the audit row holds the counts. */
    async deleteDepartedEmployeeData(input: { employeeId: number }) {
      const grace = await graceMs();
      return db.transaction().execute(async (trx) => {
        const e = await lockEmployeeActivity(trx, input.employeeId);
        if (!e || e.active || e.deactivated_at === null) return { deleted: false as const };
        if (e.deactivated_at.getTime() + grace > Date.now()) return { deleted: false as const };
        const counts = await deletePersonHealthData(trx, e.id);
        await insertAudit(trx, {
          actor: 'system:departure',
          actorRoles: [],
          action: 'departure.delete_health_data',
          targetType: 'employee',
          targetId: String(e.id),
          outcome: 'success',
          detail: {
            employeeId: e.id,
            deactivatedAt: e.deactivated_at.toISOString(),
            graceMs: grace,
            deleted: counts,
          },
        });
        return { deleted: true as const, counts };
      });
    },
  };

  async function graceMs(): Promise<number> {
    const s = await getPrivacySettings(db);
    return s.departedGraceDays === null ? config.retention.departedGraceMs : s.departedGraceDays * 86_400_000;
  }
}

type LockedRecord = NonNullable<Awaited<ReturnType<typeof lockOwnRecord>>>;

/**
 * The corrected answers stored with the severity and reasons they give — the same assessment a
 * submission of these answers on that day gets (field rules and history rules over the days
 * before) — and the day's review brought in line (reviewAfterCorrection says how). What changed
 * goes into the request's outcome and so into its audit row: severities, never answers.
 *
 * `reassessed`: a later day whose history rules read the corrected one, with its own answers;
 * null when its severity and reasons stay as they were (nothing is written).
 */
async function reassessCorrected(
  trx: Transaction<Database>,
  rec: LockedRecord,
  answers: Record<string, unknown>,
  form: FormDefinition | undefined,
  why: 'corrected' | 'reassessed' = 'corrected',
) {
  const k = keyringOf(trx);
  // A record without a form version (none to assess against) keeps its severity and reasons.
  const assessment = form
    ? assess(
        form,
        rec.work_date,
        answers,
        await recordHistoryBefore(trx, rec.employee_id, rec.work_date, HISTORY_DAYS),
      )
    : { severity: rec.severity, reasons: openReasons(rec.reasons_ct, k) };
  const sameSeverity = assessment.severity === rec.severity;
  if (
    why === 'reassessed' &&
    sameSeverity &&
    JSON.stringify(assessment.reasons) === JSON.stringify(openReasons(rec.reasons_ct, k))
  )
    return null;
  await setCorrectedRecord(trx, rec.id, {
    ...sealRecordFields({ answers, reasons: assessment.reasons }, k),
    severity: assessment.severity,
  });
  const severity = { before: rec.severity, after: assessment.severity };
  // a later day's review hears of it only when its severity moved
  if (why === 'reassessed' && sameSeverity)
    return { severity, review: { action: 'none' as const, reviewId: null } };
  const review = await lockReviewOfRecord(trx, rec.id);
  const action = reviewAfterCorrection(
    { isCurrent: rec.is_current, severity: assessment.severity },
    review && { status: review.status, followsRecord: review.current_record_id === rec.id },
  );
  let reviewId = review?.id ?? null;
  if (action === 'open') {
    reviewId = await openReviewIfAbnormal(trx, { ...rec, severity: assessment.severity });
    // the worker's outbox drainer starts the review workflow once this transaction commits
    if (reviewId !== null)
      await enqueueOutbox(trx, [outboxStart(anomalyReview, reviewWorkflowId(rec.id), { reviewId })]);
  } else if (review && (action === 'update' || action === 'note')) {
    // an open review keeps the severity it was opened with when the record became normal (the
    // reviewer still decides it; the note says what the correction gave)
    const newSeverity =
      action === 'update' && assessment.severity !== 'normal' && assessment.severity !== review.severity
        ? assessment.severity
        : undefined;
    await updateReview(
      trx,
      review.id,
      { at: new Date().toISOString(), event: why, recordId: rec.id, severity: assessment.severity },
      newSeverity ? { severity: newSeverity } : {},
    );
    // the running review's escalation deadline follows the new severity
    if (newSeverity)
      await enqueueOutbox(trx, [
        outboxSignal(reviewWorkflowId(review.record_id), severityChangedSignal, { severity: newSeverity }),
      ]);
  }
  return {
    severity,
    review: { action, reviewId },
  };
}

/**
 * The days after a corrected record whose history rules read it (HISTORY_DAYS back), assessed
 * again in date order, each with its own answers and form; a day that changed carries the reach
 * on to the days that read it in turn. Returns the days whose severity moved.
 */
async function reassessLaterDays(trx: Transaction<Database>, db: DB, corrected: LockedRecord) {
  const k = keyringOf(trx);
  const moved: ({ recordId: number; workDate: string } & NonNullable<
    Awaited<ReturnType<typeof reassessCorrected>>
  >)[] = [];
  let reach = addDays(corrected.work_date, HISTORY_DAYS);
  for (const later of await lockLaterCurrentRecords(trx, corrected.employee_id, corrected.work_date)) {
    if (later.work_date > reach) break;
    const form =
      later.form_version === null ? undefined : await findFormVersionCached(db, later.form_version);
    if (!form) continue;
    const result = await reassessCorrected(
      trx,
      later,
      openAnswers(later.answers_ct, k),
      form.definition,
      'reassessed',
    );
    // only a severity that moved changes what the days after this one read
    if (!result || result.severity.before === result.severity.after) continue;
    reach = addDays(later.work_date, HISTORY_DAYS);
    moved.push({ recordId: later.id, workDate: later.work_date, ...result });
  }
  return moved;
}
