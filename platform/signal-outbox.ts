// Delivers what the outbox holds (signals to workflows, workflow starts): right after the
// transaction that wrote it commits, and again from the worker's drainer for whatever Temporal did
// not take (down, slow, or the process died first).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import { lockDueSignals, markSignalDelivered, markSignalFailed } from '../db/repositories/outbox.ts';

export interface OutboxRow {
  id: number;
  action: 'signal' | 'start';
  workflow_id: string;
  signal_name: string;
  workflow_type: string | null;
  payload: unknown;
  attempts: number;
}

/**
 * Performs one outbox row. A signal to a workflow that does not exist (not started yet, or
 * closed) is dropped: workflows ask Postgres before acting. Starting a workflow whose id is
 * already running counts as done.
 */
export async function deliverOutboxRow(
  client: Client,
  taskQueue: string,
  row: OutboxRow,
  timeoutMs: number,
): Promise<void> {
  const call = (): Promise<unknown> =>
    row.action === 'start'
      ? client.workflow.start(row.workflow_type ?? '', {
          taskQueue,
          workflowId: row.workflow_id,
          args: [row.payload],
        })
      : client.workflow.getHandle(row.workflow_id).signal(row.signal_name, row.payload);
  try {
    // The deadline ends the gRPC call (and its internal retries) instead of abandoning it.
    await withTimeout(client.withDeadline(Date.now() + timeoutMs, call), timeoutMs + 500);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/**
 * After the transaction that wrote these outbox rows commits: tell Temporal now if it answers
 * within `timeoutMs`; whatever it does not take stays for the worker's drainer.
 */
export async function deliverAfterCommit(
  deps: { db: DB; temporal: Client; taskQueue: string; logger: Logger },
  outboxIds: number[],
  timeoutMs: number,
): Promise<void> {
  for (const id of outboxIds) {
    try {
      const row = await deps.db
        .selectFrom('signal_outbox')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await deliverOutboxRow(deps.temporal, deps.taskQueue, row, timeoutMs);
      await markSignalDelivered(deps.db, id);
    } catch (err) {
      deps.logger.warn({ err, outboxId: id }, 'Temporal not told now; the outbox drainer will retry');
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The call may still fail after we stopped waiting: not our concern then.
  p.catch(() => undefined);
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Delivers due rows once; returns how many were delivered. Safe to run in several processes. */
export async function drainOutboxOnce(
  db: DB,
  client: Client,
  taskQueue: string,
  logger: Logger,
  limit = 100,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await lockDueSignals(trx, limit);
    let delivered = 0;
    for (const row of rows) {
      try {
        await deliverOutboxRow(client, taskQueue, row, 5000);
        await markSignalDelivered(trx, row.id);
        delivered++;
      } catch (err) {
        logger.warn(
          { err, outboxId: row.id, workflowId: row.workflow_id },
          'outbox delivery failed, will retry',
        );
        await markSignalFailed(trx, row.id, (err as Error).message, row.attempts + 1);
      }
    }
    return delivered;
  });
}

export function startOutboxDrainer(
  db: DB,
  client: Client,
  taskQueue: string,
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = drainOutboxOnce(db, client, taskQueue, logger)
      .catch((err: unknown) => logger.error({ err }, 'outbox drain failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
