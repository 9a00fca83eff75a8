// The signal outbox: written in the submission's transaction, drained after commit.
import { sql, type Transaction } from 'kysely';
import type { DB } from '../connect.ts';
import type { Database } from '../database.ts';

export async function enqueueSignal(
  trx: Transaction<Database>,
  workflowId: string,
  signalName: string,
  payload: unknown,
): Promise<number> {
  const row = await trx
    .insertInto('signal_outbox')
    .values({ workflow_id: workflowId, signal_name: signalName, payload: JSON.stringify(payload) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A workflow to start after commit (idempotent: the workflow id decides). */
export async function enqueueStart(
  trx: Transaction<Database>,
  workflowType: string,
  workflowId: string,
  input: unknown,
): Promise<number> {
  const row = await trx
    .insertInto('signal_outbox')
    .values({
      workflow_id: workflowId,
      signal_name: '',
      action: 'start',
      workflow_type: workflowType,
      payload: JSON.stringify(input),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

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

export async function markSignalDelivered(db: DB | Transaction<Database>, id: number): Promise<void> {
  await db
    .updateTable('signal_outbox')
    .set({ delivered_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function markSignalFailed(
  db: DB | Transaction<Database>,
  id: number,
  error: string,
  attempts: number,
) {
  const backoffSeconds = Math.min(300, 2 ** Math.min(attempts, 8));
  await db
    .updateTable('signal_outbox')
    .set({
      attempts,
      last_error: error.slice(0, 500),
      next_attempt_at: sql`now() + make_interval(secs => ${backoffSeconds})`,
    })
    .where('id', '=', id)
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
