// Delivers signals written to the outbox: right after the submission commits, and again from the
// worker's drainer for whatever Temporal did not take (down, slow, or the process died first).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import { lockDueSignals, markSignalDelivered, markSignalFailed } from '../db/repositories/outbox.ts';

export interface OutboxRow {
  id: number;
  workflow_id: string;
  signal_name: string;
  payload: unknown;
  attempts: number;
}

/** Sends one signal. A workflow that does not exist (not started yet, or already closed) needs no
 * signal: it asks Postgres before every reminder. */
export async function sendOutboxSignal(client: Client, row: OutboxRow, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(
      client.workflow.getHandle(row.workflow_id).signal(row.signal_name, row.payload),
      timeoutMs,
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    throw err;
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The call may still fail after we stopped waiting (e.g. the channel is closed later): not our concern then.
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
export async function drainOutboxOnce(db: DB, client: Client, logger: Logger, limit = 100): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await lockDueSignals(trx, limit);
    let delivered = 0;
    for (const row of rows) {
      try {
        await sendOutboxSignal(client, row, 5000);
        await markSignalDelivered(trx, row.id);
        delivered++;
      } catch (err) {
        logger.warn(
          { err, outboxId: row.id, workflowId: row.workflow_id },
          'signal delivery failed, will retry',
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
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = drainOutboxOnce(db, client, logger)
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
