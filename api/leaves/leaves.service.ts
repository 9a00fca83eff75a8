// Leave and business trips: storing one that covers the employee's today also stops that day
// (marked exempt, its workflow told through the outbox).
import type { Client } from '@temporalio/client';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { DepartmentScope } from '../../db/department-scope.ts';
import { deleteLeaveById, findLeaveWithDepartment, insertLeave } from '../../db/repositories/calendar.ts';
import { markDayExempt } from '../../db/repositories/checkin-days.ts';
import { findEmployeeById } from '../../db/repositories/org.ts';
import { enqueueOutbox, outboxSignal } from '../../db/repositories/outbox.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { deliverAfterCommit } from '../../platform/signal-outbox.ts';
import { exemptSignal } from '../../workflows/messages.ts';
import { inScopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';

export interface LeaveDeps {
  db: DB;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

export interface NewLeave {
  employeeId: number;
  kind: 'leave' | 'business_trip';
  fromDate: string;
  toDate: string;
  note?: string | undefined;
}

/** Stores a leave for someone inside the scope (outside it the employee does not exist). */
export async function createLeave(deps: LeaveDeps, l: NewLeave, scope: DepartmentScope, source = 'hr') {
  const { db } = deps;
  const employee = await findEmployeeById(db, l.employeeId);
  if (!employee || !inScopeOf(scope, employee.department_id)) throw notFound('Employee');
  const policy = await getPolicy(db, { departmentId: employee.department_id });
  const today = workDateAt(new Date(), employee.time_zone ?? policy.timeZone);
  const { leave, outboxId } = await db.transaction().execute(async (trx) => {
    const leave = await insertLeave(trx, {
      employee_id: l.employeeId,
      kind: l.kind,
      from_date: l.fromDate,
      to_date: l.toDate,
      note: l.note ?? null,
      source,
    });
    let outboxId: number | null = null;
    if (l.fromDate <= today && today <= l.toDate && (await markDayExempt(trx, l.employeeId, today))) {
      [outboxId = null] = await enqueueOutbox(trx, [
        outboxSignal(checkinWorkflowId(today, l.employeeId), exemptSignal, { reason: l.kind }),
      ]);
    }
    return { leave, outboxId };
  });
  if (outboxId !== null) await deliverAfterCommit(deps, [outboxId], 3000);
  return { ...leave, stoppedToday: outboxId !== null };
}

/** Deletes a leave of someone inside the scope; returns the deleted row. */
export async function deleteLeave(db: DB, id: number, scope: DepartmentScope) {
  const leave = await findLeaveWithDepartment(db, id);
  if (!leave || !inScopeOf(scope, leave.department_id)) throw notFound('Leave');
  return deleteLeaveById(db, id);
}
