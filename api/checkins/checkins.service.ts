// Storing a submission: validated against its form version, assessed for anomalies, committed in
// Postgres together with the outbox rows that tell Temporal (day workflow, review workflow).
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Transaction } from 'kysely';
import { assess, HISTORY_DAYS } from '../../domain/anomaly/evaluate.ts';
import { classifySubmission, computeDaySchedule } from '../../domain/day-schedule.ts';
import { validateAnswers } from '../../domain/forms/validate-answers.ts';
import { coarsenLocations } from '../../domain/privacy/minimisation.ts';
import { getPrivacySettingsCached } from '../../db/repositories/privacy-settings.ts';
import type { Submission } from '../../domain/submission.ts';
import { checkinWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { Database, Employee, HealthRecord } from '../../db/database.ts';
import { linkAttachments, ownedAttachmentIds } from '../../db/repositories/attachments.ts';
import { insertAudit, type AuditEntry } from '../../db/repositories/audit.ts';
import { findDay, markDaySubmitted } from '../../db/repositories/checkin-days.ts';
import { findFormVersionCached, getPublishedFormCached } from '../../db/repositories/forms.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import {
  enqueueOutbox,
  outboxSignal,
  outboxStart,
  type OutboxMessage,
} from '../../db/repositories/outbox.ts';
import { getCurrentPolicy, getCurrentPolicyCached } from '../../db/repositories/policy.ts';
import {
  findRecordByIdempotencyKey,
  findRecordForDay,
  insertRecord,
  lockCurrentRecord,
  retireRecord,
  submissionContext,
} from '../../db/repositories/records.ts';
import {
  findReviewAwaitingRecheck,
  openReviewIfAbnormal,
  reviewIdOfRecord,
  updateReview,
} from '../../db/repositories/reviews.ts';
import {
  deliverAfterCommit,
  DrainerWakeup,
  SignalPump,
  type OutboxHandoff,
} from '../../platform/signal-outbox.ts';
import { captureTraceContext } from '../../platform/tracing.ts';
import { anomalyReview } from '../../workflows/anomaly-review.ts';
import { recheckSignal, submitSignal } from '../../workflows/messages.ts';
import { isUuid } from '../attachments/image-upload.ts';
import { consentWithdrawn, formForPerson, lacksConsent } from '../../domain/privacy/consent.ts';
import { getPublishedNoticeCached } from '../../db/repositories/privacy.ts';
import {
  alreadySubmitted,
  AppError,
  consentRequired,
  notFound,
  submissionWindowClosed,
} from '../http/errors.ts';
import { GroupCommit, type DayMessages } from './group-commit.ts';

export interface CheckinDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** without a pump: how long the request waits for Temporal before leaving the outbox to the drainer */
  signalTimeoutMs: number;
  /** takes the outbox rows after commit while the request answers (the API's; tests may omit it) */
  signals?: OutboxHandoff;
  /** writes first submissions of the day in groups (the API's; without it each writes alone) */
  writes?: GroupCommit;
}

/**
 * The API's submission pipeline: the group commit that stores first submissions together, and what
 * tells Temporal after commit: the API's own signal pump, or (`delivery` 'worker') a wake-up of the
 * worker's drainer.
 */
export function submissionPipeline(
  deps: { db: DB; temporal: Client; taskQueue: string; logger: Logger },
  opts: {
    signalTimeoutMs: number;
    pump: { concurrency: number; batchSize: number };
    groupCommitMax: number;
    delivery: 'api' | 'worker';
  },
): { signals: OutboxHandoff; writes: GroupCommit } {
  const signals: OutboxHandoff =
    opts.delivery === 'worker'
      ? new DrainerWakeup(deps)
      : new SignalPump(deps, { timeoutMs: opts.signalTimeoutMs, ...opts.pump });
  const writes = new GroupCommit(
    {
      db: deps.db,
      logger: deps.logger,
      messages: dayMessages,
      delivered: (ids, traces) => signals.deliver(ids, traces),
      leaseSeconds: signals.leaseSeconds,
    },
    opts.groupCommitMax,
  );
  return { signals, writes };
}

export interface SubmitOptions {
  /** the employee, when the caller has read the row already */
  employee?: Employee;
  /** the identity check the submission passed (stored on the record) */
  identityCheck?: string | null;
  /** a manager filling in for the employee (代填): stored on the record */
  proxyByEmployeeId?: number;
  /**
   * The request's audit row, written in the submission's transaction once the record is stored (no
   * record without its trace; the group commit writes a batch's rows in its one query)
   */
  audit?: (record: HealthRecord) => AuditEntry | null;
}

export interface SubmitResult {
  record: HealthRecord;
  /** true when this idempotency key was already stored and the stored record is returned */
  replayed: boolean;
  reviewId: number | null;
}

const UNIQUE_VIOLATION = '23505';

/** The employee's work date now, and the window that applies to it (fan-out snapshot if any). */
export async function resolveToday(db: DB, employeeId: number, now: Date) {
  const policy = await getCurrentPolicy(db);
  const workDate = workDateAt(now, policy.timeZone);
  const day = await findDay(db, employeeId, workDate);
  return { policy, workDate, day, ...windowOf(day, workDate, policy) };
}

/** The day's window: the fan-out's snapshot when the day row exists, else today's policy. */
function windowOf(
  day: { closes_at: Date; late_until: Date } | undefined,
  workDate: string,
  policy: Awaited<ReturnType<typeof getCurrentPolicy>>,
) {
  const planned = day ? undefined : computeDaySchedule(workDate, policy);
  const closesAt = day ? day.closes_at : new Date(planned?.closesAt ?? 0);
  const lateUntil = day ? day.late_until : new Date(planned?.lateUntil ?? 0);
  return { closesAt, lateUntil };
}

/**
 * The form to validate against: the version the page rendered if it was ever published, else the
 * current one (both from the process's cache: published versions never change).
 */
async function formFor(db: DB, version: number | undefined) {
  if (version !== undefined) {
    const f = await findFormVersionCached(db, version);
    if (f && f.status !== 'draft') return f;
  }
  return getPublishedFormCached(db);
}

export async function submitCheckin(
  deps: CheckinDeps,
  employeeId: number,
  submission: Submission,
  now = new Date(),
  opts: SubmitOptions = {},
): Promise<SubmitResult> {
  const { db } = deps;
  const requestHash = submissionHash(submission);
  const [policy, privacy] = await Promise.all([getCurrentPolicyCached(db), getPrivacySettingsCached(db)]);
  const workDate = workDateAt(now, policy.timeZone);
  // one read for the key's record, today's current record and the history rules' days
  const seen = await submissionContext(db, employeeId, submission.idempotencyKey, workDate, HISTORY_DAYS);
  if (seen.byKey) return replay(db, seen.byKey, requestHash);

  const employee = opts.employee ?? (await findEmployeeById(db, employeeId));
  if (!employee) throw notFound('Employee');
  // Consent as the legal basis: the current notice from memory, the person's answer from their row.
  const notice = await getPublishedNoticeCached(db);
  if (
    notice &&
    (opts.proxyByEmployeeId === undefined
      ? lacksConsent(notice, employee)
      : consentWithdrawn(notice, employee))
  ) {
    throw consentRequired(notice.version, employee.privacy_state === 'withdrawn');
  }
  const form = await formFor(db, submission.formVersion);
  // fields that need consent are not asked of someone who only acknowledged the notice
  const definition = formForPerson(form.definition, notice, employee);
  const validation = validateAnswers(definition, submission.answers);
  if (!validation.ok) {
    throw new AppError(
      'validation_failed',
      400,
      'The answers do not fit the form',
      validation.errors.map((e) => ({
        field: `answers.${e.field}`,
        code: e.code,
        message: e.message.zh,
        messages: e.message,
      })),
    );
  }
  const photoIds = await checkPhotos(db, employeeId, definition.fields, validation.answers);
  const { closesAt, lateUntil } = windowOf(seen.day, workDate, policy);
  // An offline resend is judged by when the employee pressed submit, but never from the future.
  const clientAt = submission.clientSubmittedAt ? new Date(submission.clientSubmittedAt) : undefined;
  const effectiveAt =
    clientAt && clientAt < now && workDateAt(clientAt, policy.timeZone) === workDate ? clientAt : now;
  const timing = classifySubmission(effectiveAt, closesAt, lateUntil, policy);
  if (timing === 'too_late') {
    throw submissionWindowClosed(
      workDate,
      policy.lateSubmissions === 'refuse' ? closesAt : lateUntil,
      policy.timeZone,
    );
  }
  const assessment = assess(
    definition,
    workDate,
    validation.answers,
    seen.history.map((h) => ({ workDate: h.work_date, severity: h.severity, answers: h.answers })),
  );

  const values = {
    employee_id: employeeId,
    department_id: employee.department_id,
    work_date: workDate,
    submitted_at: now,
    client_submitted_at: clientAt ?? null,
    // stored no more precise than the company's setting (the rules above saw the same answers)
    answers: coarsenLocations(form.definition, validation.answers, privacy.locationDecimals),
    status: timing,
    idempotency_key: submission.idempotencyKey,
    request_hash: requestHash,
    form_version: form.version,
    severity: assessment.severity,
    reasons: assessment.reasons,
    recheck_of: null,
    identity_check: opts.identityCheck ?? null,
    proxy_by_employee_id: opts.proxyByEmployeeId ?? null,
  };
  // The rush: a first record of the day joins the next group commit; anything else (a recheck, a
  // key or day already taken, a failed batch) goes on alone below.
  if (deps.writes && !seen.currentToday) {
    const written = await deps.writes.write({ values, timing, photoIds, audit: opts.audit });
    if (written) return { record: written.record, replayed: false, reviewId: written.reviewId };
  }

  let stored: { record: HealthRecord; outboxIds: number[]; reviewId: number | null };
  try {
    stored = await db.transaction().execute(async (trx) => {
      // Without a record today (the rush) nothing is locked: the one-current-record-per-day index
      // refuses a concurrent twin (23505 below). With one, it is locked: a recheck may replace it.
      const current = seen.currentToday ? await lockCurrentRecord(trx, employeeId, workDate) : undefined;
      const review = current ? await findReviewAwaitingRecheck(trx, current.id) : undefined;
      if (current && !review) throw new SecondSubmission(current.submitted_at);
      if (current) await retireRecord(trx, current.id);
      const record = await insertRecord(trx, {
        ...values,
        status: current?.status ?? timing,
        recheck_of: current?.id ?? null,
      });
      await linkAttachments(trx, photoIds, record.id);
      const audit = opts.audit?.(record);
      if (audit) await insertAudit(trx, audit);
      const { messages, reviewId } = review
        ? await continueReview(trx, review.id, review.record_id, record)
        : await openDay(trx, record, timing);
      const outboxIds = await enqueueOutbox(trx, messages, deps.signals?.leaseSeconds ?? 0);
      return { record, outboxIds, reviewId };
    });
  } catch (err) {
    const second = err instanceof SecondSubmission;
    if (!second && (err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    // A concurrent request won the race: with the same key, answer with what it stored.
    const same = await findRecordByIdempotencyKey(db, employeeId, submission.idempotencyKey);
    if (same) return replay(db, same, requestHash);
    const other = second ? undefined : await findRecordForDay(db, employeeId, workDate);
    throw alreadySubmitted(workDate, second ? err.at : other?.submitted_at, policy.timeZone);
  }

  // Committed: the answer does not wait for Temporal (the workflows re-check Postgres anyway).
  if (deps.signals) deps.signals.deliver(stored.outboxIds, captureTraceContext());
  else await deliverAfterCommit(deps, stored.outboxIds, deps.signalTimeoutMs);
  return { record: stored.record, replayed: false, reviewId: stored.reviewId };
}

/**
 * The body an idempotency key stands for: everything the client sent except the key itself and the
 * identity proof (a resend carries a fresh 免登 code), as JSON with sorted keys.
 */
export function submissionHash(submission: Submission): string {
  const body = { ...submission, idempotencyKey: undefined, identity: undefined };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The stored answer to a resent key — unless the key now comes with another body: answering with
 * the old record would tell the client its new answers were stored (as payment APIs do, refuse).
 * Records stored before hashes were kept (null) replay as before.
 */
async function replay(db: DB, record: HealthRecord, requestHash: string): Promise<SubmitResult> {
  if (record.request_hash && record.request_hash !== requestHash) {
    throw new AppError(
      'idempotency_key_reused',
      422,
      '这个幂等键已用于另一份打卡内容 (this idempotencyKey was already used with a different request body; ' +
        'use a new key for new answers)',
    );
  }
  return { record, replayed: true, reviewId: await reviewIdOfRecord(db, record.id) };
}

/** Photo answers must name images this employee uploaded; returns their ids. */
async function checkPhotos(
  db: DB,
  employeeId: number,
  fields: readonly { key: string; type: string; label: { zh: string; en: string } }[],
  answers: Record<string, unknown>,
): Promise<string[]> {
  const photos = fields
    .filter((f) => f.type === 'photo' && answers[f.key] !== undefined)
    .map((f) => ({ field: f, id: (answers[f.key] as { photoId: string }).photoId }));
  const owned = await ownedAttachmentIds(db, employeeId, photos.map((p) => p.id).filter(isUuid));
  const foreign = photos.filter((p) => !owned.has(p.id));
  if (foreign.length) {
    throw new AppError(
      'validation_failed',
      400,
      'The answers do not fit the form',
      foreign.map(({ field }) => ({
        field: `answers.${field.key}`,
        code: 'unknown_photo',
        message: `${field.label.zh}不是您上传的照片`,
        messages: {
          zh: `${field.label.zh}不是您上传的照片`,
          en: `${field.label.en} is not a photo you uploaded`,
        },
      })),
    );
  }
  return photos.map((p) => p.id);
}

class SecondSubmission extends Error {
  constructor(readonly at: Date) {
    super('second submission');
  }
}

/** First record of the day: mark the day, tell its workflow, open a review when abnormal. */
async function openDay(
  trx: Transaction<Database>,
  record: HealthRecord,
  timing: 'on_time' | 'late',
): Promise<{ messages: OutboxMessage[]; reviewId: number | null }> {
  await markDaySubmitted(trx, record.employee_id, record.work_date, timing === 'late' ? 'late' : 'submitted');
  const reviewId = await openReviewIfAbnormal(trx, record);
  return { messages: dayMessages(record, timing, reviewId), reviewId };
}

/** A first record tells its day's workflow, and starts the review when it opened one. */
const dayMessages: DayMessages = (record, timing, reviewId) => [
  outboxSignal(checkinWorkflowId(record.work_date, record.employee_id), submitSignal, {
    recordId: record.id,
    submittedAt: record.submitted_at.toISOString(),
    status: timing,
  }),
  ...(reviewId === null ? [] : [outboxStart(anomalyReview, reviewWorkflowId(record.id), { reviewId })]),
];

/** A recheck the reviewer asked for: the new record continues the same review. */
async function continueReview(
  trx: Transaction<Database>,
  reviewId: number,
  firstRecordId: number,
  record: HealthRecord,
): Promise<{ messages: OutboxMessage[]; reviewId: number }> {
  await updateReview(
    trx,
    reviewId,
    {
      at: new Date().toISOString(),
      event: 'recheck_submitted',
      recordId: record.id,
      severity: record.severity,
    },
    { status: 'pending', current_record_id: record.id, severity: record.severity },
  );
  const messages = [
    outboxSignal(reviewWorkflowId(firstRecordId), recheckSignal, {
      recordId: record.id,
      severity: record.severity,
    }),
  ];
  return { messages, reviewId };
}
