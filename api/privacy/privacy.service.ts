// An employee's answer to the privacy notice. A withdrawal (consent as the basis) stops collection:
// today's day is marked exempt with reason consent_withdrawn and its workflow told through the
// outbox (the leave path's exemption), and the fan-out plans no workflow for them while it stands.
import type { Client } from '@temporalio/client';
import { consentWithdrawn } from '../../domain/privacy/consent.ts';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import { markDayExempt } from '../../db/repositories/checkin-days.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { enqueueOutbox, outboxSignal } from '../../db/repositories/outbox.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import {
  getPublishedNoticeCached,
  recordPrivacyAnswer,
  type PrivacyAnswer,
} from '../../db/repositories/privacy.ts';
import { deliverAfterCommit } from '../../platform/signal-outbox.ts';
import { exemptSignal } from '../../workflows/messages.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';

export interface PrivacyDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

export const CONSENT_WITHDRAWN = 'consent_withdrawn';

export async function answerNotice(deps: PrivacyDeps, a: PrivacyAnswer) {
  const { db } = deps;
  const notice = await getPublishedNoticeCached(db);
  if (!notice) throw notFound('Privacy notice');
  if (notice.version !== a.version) {
    throw conflict(`The privacy notice is now version ${notice.version}; read it again before answering`);
  }
  if (a.action === 'acknowledged' && notice.legal_basis === 'consent') {
    throw new AppError('validation_failed', 400, 'This notice asks for consent, not an acknowledgement', [
      { field: 'action', code: 'invalid_value', message: 'acknowledged is for the hr_management basis' },
    ]);
  }
  const employee = await findEmployeeById(db, a.employeeId);
  if (!employee) throw notFound('Employee');
  const policy = await getPolicy(db, { departmentId: employee.department_id });
  const today = workDateAt(new Date(), employee.time_zone ?? policy.timeZone);
  const { row, outboxId } = await db.transaction().execute(async (trx) => {
    const row = await recordPrivacyAnswer(trx, a);
    let outboxId: number | null = null;
    if (
      consentWithdrawn(notice, { privacy_version: a.version, privacy_state: a.action }) &&
      (await markDayExempt(trx, a.employeeId, today, CONSENT_WITHDRAWN))
    ) {
      [outboxId = null] = await enqueueOutbox(trx, [
        outboxSignal(checkinWorkflowId(today, a.employeeId), exemptSignal, { reason: CONSENT_WITHDRAWN }),
      ]);
    }
    return { row, outboxId };
  });
  if (outboxId !== null) await deliverAfterCommit(deps, [outboxId], 3000);
  return { ...row, stoppedToday: outboxId !== null };
}
