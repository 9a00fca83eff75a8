// Storing a submission: committed in Postgres first (with an outbox row), the workflow told after.
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { classifySubmission, computeDaySchedule } from '../../domain/day-schedule.ts';
import type { Submission } from '../../domain/checkin-answers.ts';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { HealthRecord } from '../../db/database.ts';
import { findDay } from '../../db/repositories/checkin-days.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { enqueueSignal, markSignalDelivered } from '../../db/repositories/outbox.ts';
import { getCurrentPolicy } from '../../db/repositories/policy.ts';
import { findRecordByIdempotencyKey, findRecordForDay } from '../../db/repositories/records.ts';
import { sendOutboxSignal } from '../../platform/signal-outbox.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';

export interface CheckinDeps {
  db: DB;
  temporal: Client;
  logger: Logger;
  /** how long the request waits for Temporal before leaving the signal to the outbox drainer */
  signalTimeoutMs: number;
}

export interface SubmitResult {
  record: HealthRecord;
  /** true when this idempotency key was already stored and the stored record is returned */
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

/** The employee's work date now, and the window that applies to it (fan-out snapshot if any). */
export async function resolveToday(db: DB, employeeId: number, now: Date) {
  const policy = await getCurrentPolicy(db);
  const workDate = workDateAt(now, policy.timeZone);
  const day = await findDay(db, employeeId, workDate);
  const closesAt = day ? day.closes_at : new Date(computeDaySchedule(workDate, policy).closesAt);
  const lateUntil = day ? day.late_until : new Date(computeDaySchedule(workDate, policy).lateUntil);
  return { policy, workDate, day, closesAt, lateUntil };
}

export async function submitCheckin(
  deps: CheckinDeps,
  employeeId: number,
  submission: Submission,
  now = new Date(),
): Promise<SubmitResult> {
  const { db } = deps;
  const existing = await findRecordByIdempotencyKey(db, employeeId, submission.idempotencyKey);
  if (existing) return { record: existing, replayed: true };

  const employee = await findEmployeeById(db, employeeId);
  if (!employee) throw notFound('Employee');
  const { policy, workDate, closesAt, lateUntil } = await resolveToday(db, employeeId, now);
  // An offline resend is judged by when the employee pressed submit, but never from the future.
  const clientAt = submission.clientSubmittedAt ? new Date(submission.clientSubmittedAt) : undefined;
  const effectiveAt =
    clientAt && clientAt < now && workDateAt(clientAt, policy.timeZone) === workDate ? clientAt : now;
  const timing = classifySubmission(effectiveAt, closesAt, lateUntil, policy);
  if (timing === 'too_late') {
    throw new AppError(
      'submission_window_closed',
      422,
      `今日打卡已截止 (the check-in window for ${workDate} closed at ${closesAt.toISOString()}; late submissions are no longer accepted)`,
    );
  }

  let record: HealthRecord;
  let outboxId: number;
  const workflowId = checkinWorkflowId(workDate, employeeId);
  let signalPayload: unknown;
  try {
    ({ record, outboxId } = await db.transaction().execute(async (trx) => {
      const rec = await trx
        .insertInto('health_records')
        .values({
          employee_id: employeeId,
          department_id: employee.department_id,
          work_date: workDate,
          submitted_at: now,
          client_submitted_at: clientAt ?? null,
          answers: JSON.stringify(submission.answers),
          status: timing,
          idempotency_key: submission.idempotencyKey,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('checkin_days')
        .set({ outcome: timing === 'late' ? 'late' : 'submitted', updated_at: sql`now()` })
        .where('employee_id', '=', employeeId)
        .where('work_date', '=', workDate)
        .where('outcome', 'in', ['pending', 'missed'])
        .execute();
      signalPayload = { recordId: rec.id, submittedAt: now.toISOString(), status: timing };
      const id = await enqueueSignal(trx, workflowId, 'submit', signalPayload);
      return { record: rec, outboxId: id };
    }));
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    // A concurrent request with the same key won the race: answer with what it stored.
    const same = await findRecordByIdempotencyKey(db, employeeId, submission.idempotencyKey);
    if (same) return { record: same, replayed: true };
    const other = await findRecordForDay(db, employeeId, workDate);
    throw conflict(
      `今日已提交健康打卡 (a check-in for ${workDate} was already submitted at ${other?.submitted_at.toISOString() ?? 'an earlier time'}; resubmit with its idempotency key to fetch it)`,
    );
  }

  // Tell the workflow now if Temporal answers quickly; otherwise the drainer will.
  try {
    await sendOutboxSignal(
      deps.temporal,
      { id: outboxId, workflow_id: workflowId, signal_name: 'submit', payload: signalPayload, attempts: 0 },
      deps.signalTimeoutMs,
    ).then(() => markSignalDelivered(db, outboxId));
  } catch (err) {
    deps.logger.warn({ err, outboxId }, 'workflow not signalled now; outbox drainer will retry');
  }
  return { record, replayed: false };
}
