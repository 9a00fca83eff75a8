// The signal outbox: written in the submission's transaction, delivered after commit. Rows are
// built from the Temporal definitions themselves (a SignalDefinition and its payload, a workflow
// function and its input), so a changed payload fails to compile instead of failing at 09:00.
import type { SignalDefinition, Workflow } from '@temporalio/common';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../connect.ts';
import type { Database } from '../database.ts';

type Q = DB | Transaction<Database>;

/** One row to write: a signal to a running workflow, or a workflow to start (idempotent by id). */
export interface OutboxMessage {
  action: 'signal' | 'start';
  workflowId: string;
  signalName: string;
  workflowType: string | null;
  payload: unknown;
}

/** A signal for `workflowId`, typed by its definition (the one the workflow's handler uses). */
export function outboxSignal<P, Name extends string>(
  workflowId: string,
  signal: SignalDefinition<[P], Name>,
  payload: P,
): OutboxMessage {
  return { action: 'signal', workflowId, signalName: signal.name, workflowType: null, payload };
}

/** A workflow to start with `input`, typed by the workflow function (its name is the workflow type). */
export function outboxStart<I>(
  workflow: (input: I) => ReturnType<Workflow>,
  workflowId: string,
  input: I,
): OutboxMessage {
  return { action: 'start', workflowId, signalName: '', workflowType: workflow.name, payload: input };
}

/**
 * Writes the rows in one statement; returns their ids in order. `leaseSeconds` > 0 keeps them from
 * the worker's drainer that long: the process that wrote them delivers them itself right after
 * commit (the signal pump), and the drainer only takes what it did not.
 */
export async function enqueueOutbox(
  db: Q,
  messages: readonly OutboxMessage[],
  leaseSeconds = 0,
): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await db
    .insertInto('signal_outbox')
    .values(outboxRows(messages, leaseSeconds))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The rows for these messages, leased to the writing process for `leaseSeconds` when > 0. */
export const outboxRows = (messages: readonly OutboxMessage[], leaseSeconds: number) =>
  messages.map((m) => ({
    action: m.action,
    workflow_id: m.workflowId,
    signal_name: m.signalName,
    workflow_type: m.workflowType,
    payload: JSON.stringify(m.payload),
    ...(leaseSeconds > 0
      ? { next_attempt_at: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` }
      : {}),
  }));

/** Locks a batch of due rows for this drainer; other drainers skip them. */
export function lockDueSignals(trx: Transaction<Database>, limit: number) {
  return trx
    .selectFrom('signal_outbox')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Locks these rows, if still undelivered and not held by another deliverer (the signal pump). */
export function lockUndeliveredSignals(trx: Transaction<Database>, ids: readonly number[]) {
  return trx
    .selectFrom('signal_outbox')
    .selectAll()
    .where('id', 'in', ids)
    .where('delivered_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markSignalDelivered(db: Q, id: number): Promise<void> {
  await markSignalsDelivered(db, [id]);
}

export async function markSignalsDelivered(db: Q, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('signal_outbox')
    .set({ delivered_at: sql`now()` })
    .where('id', 'in', ids)
    .execute();
}

export async function markSignalFailed(db: Q, id: number, error: string, attempts: number) {
  const backoffSeconds = Math.min(300, 2 ** Math.min(attempts, 8));
  await db
    .updateTable('signal_outbox')
    .set({
      attempts,
      last_error: error.slice(0, 500),
      next_attempt_at: sql`now() + make_interval(secs => ${backoffSeconds})`,
    })
    .where('id', 'in', [id])
    .execute();
}

export function countUndeliveredSignals(db: DB) {
  return db
    .selectFrom('signal_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}
