// Employees' correction and deletion requests (PIPL) and what HR decided.
import { sql, type Transaction } from 'kysely';
import type { DB } from '../connect.ts';
import { idsOrNone, type DepartmentScope } from '../department-scope.ts';
import type { Database, DataRequestKind } from '../database.ts';
import { keyringOf, openDataRequestMessage, sealDataRequestMessage } from '../sealed-fields.ts';

type Q = DB | Transaction<Database>;

export async function insertDataRequest(
  trx: Transaction<Database>,
  r: {
    employeeId: number;
    departmentId: number;
    kind: DataRequestKind;
    recordId: number | null;
    message: string;
  },
) {
  return trx
    .insertInto('data_requests')
    .values({
      employee_id: r.employeeId,
      department_id: r.departmentId,
      kind: r.kind,
      record_id: r.recordId,
      ...sealDataRequestMessage(r.message, keyringOf(trx)),
    })
    .returning(['id', 'status', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The employee's own requests, newest first (what the check-in page shows). */
export function listOwnDataRequests(db: DB, employeeId: number) {
  return db
    .selectFrom('data_requests')
    .select(['id', 'kind', 'status', 'reason', 'record_id', 'created_at', 'decided_at'])
    .where('employee_id', '=', employeeId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/** The admin list's query, limited to the departments in scope (messages stay sealed here). */
export function dataRequestsListQuery(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('data_requests as r')
    .innerJoin('employees as e', 'e.id', 'r.employee_id')
    .leftJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      'r.id',
      'r.employee_id',
      'e.name as employee_name',
      'r.department_id',
      'd.name as department_name',
      'r.kind',
      'r.record_id',
      'r.message_ct',
      'r.status',
      'r.escalated',
      'r.reminders',
      'r.decided_by',
      'r.reason',
      'r.decided_at',
      'r.outcome',
      'r.created_at',
    ])
    .$if(scope !== 'all', (q) => q.where('r.department_id', 'in', idsOrNone(scope as readonly number[])));
}

export type DataRequestListRow = Awaited<
  ReturnType<ReturnType<typeof dataRequestsListQuery>['execute']>
>[number];

/** A row as the admin UI sees it: the message opened. */
export function openDataRequestRow(row: DataRequestListRow, db: DB) {
  const { message_ct, ...rest } = row;
  return { ...rest, message: openDataRequestMessage(message_ct, keyringOf(db)) };
}

export function findDataRequest(db: Q, id: number) {
  return db.selectFrom('data_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockDataRequest(trx: Transaction<Database>, id: number) {
  return trx.selectFrom('data_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function decideDataRequestRow(
  trx: Transaction<Database>,
  id: number,
  d: {
    status: 'approved' | 'rejected';
    decidedBy: string;
    deciderEmployeeId: number | null;
    reason: string;
    outcome: Record<string, unknown> | null;
  },
) {
  return trx
    .updateTable('data_requests')
    .set({
      status: d.status,
      decided_by: d.decidedBy,
      decider_employee_id: d.deciderEmployeeId,
      reason: d.reason,
      decided_at: sql<Date>`now()`,
      outcome: d.outcome === null ? null : JSON.stringify(d.outcome),
    })
    .where('id', '=', id)
    .returning(['decided_at'])
    .executeTakeFirstOrThrow();
}

export async function markDataRequestNotified(db: DB, id: number, escalated: boolean) {
  await db
    .updateTable('data_requests')
    .set((eb) => ({
      reminders: eb('reminders', '+', 1),
      ...(escalated ? { escalated: true } : {}),
    }))
    .where('id', '=', id)
    .execute();
}
