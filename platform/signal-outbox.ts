// Delivers what the outbox holds (signals to workflows, workflow starts): right after the
// transaction that wrote it commits, and again from the worker's drainer for whatever Temporal did
// not take (down, slow, or the process died first).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import pg from 'pg';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import {
  lockDueSignals,
  lockUndeliveredSignals,
  markSignalFailed,
  markSignalsDelivered,
} from '../db/repositories/outbox.ts';
import { withTraceContext, type TraceContext } from './tracing.ts';

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
 * within `timeoutMs`, and wait for it; whatever it does not take stays for the worker's drainer.
 * (Leaves; a submission does not wait: it hands its rows to the SignalPump.)
 */
export async function deliverAfterCommit(
  deps: { db: DB; temporal: Client; taskQueue: string; logger: Logger },
  outboxIds: number[],
  timeoutMs: number,
): Promise<void> {
  await deliverLocked(deps, outboxIds, timeoutMs, 1);
}

/**
 * Delivers these rows under a row lock (the drainer skips them meanwhile, and they it), `concurrency`
 * at a time; marks the delivered ones in one update and the failed ones for the drainer's retry.
 */
async function deliverLocked(
  deps: { db: DB; temporal: Client; taskQueue: string; logger: Logger },
  ids: readonly number[],
  timeoutMs: number,
  concurrency: number,
  traceOf?: (id: number) => TraceContext | undefined,
): Promise<number> {
  if (ids.length === 0) return 0;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const rows = await lockUndeliveredSignals(trx, ids);
      return deliverRows(trx, deps, rows, timeoutMs, concurrency, traceOf);
    });
  } catch (err) {
    deps.logger.warn({ err, outboxIds: ids }, 'Temporal not told now; the outbox drainer will retry');
    return 0;
  }
}

async function deliverRows(
  trx: Transaction<Database>,
  deps: { temporal: Client; taskQueue: string; logger: Logger },
  rows: readonly OutboxRow[],
  timeoutMs: number,
  concurrency: number,
  traceOf?: (id: number) => TraceContext | undefined,
): Promise<number> {
  const delivered: number[] = [];
  const failed: { row: OutboxRow; err: unknown }[] = [];
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++] as OutboxRow;
      try {
        // in the trace of the request that wrote the row (when tracing is on and it is known)
        await withTraceContext(traceOf?.(row.id), () =>
          deliverOutboxRow(deps.temporal, deps.taskQueue, row, timeoutMs),
        );
        delivered.push(row.id);
      } catch (err) {
        failed.push({ row, err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
  await markSignalsDelivered(trx, delivered);
  for (const { row, err } of failed) {
    deps.logger.warn(
      { err, outboxId: row.id, workflowId: row.workflow_id },
      'outbox delivery failed, will retry',
    );
    await markSignalFailed(trx, row.id, (err as Error).message, row.attempts + 1);
  }
  return delivered.length;
}

/**
 * What a process that committed outbox rows does with them next: deliver them itself (the
 * SignalPump, which leases them from the drainer meanwhile) or wake the worker's drainer (the
 * DrainerWakeup: no lease, the worker delivers). Either way a row nobody delivers stays for the
 * drainer's next poll.
 */
export interface OutboxHandoff {
  /** how long the rows written for this handoff are kept from the drainer */
  readonly leaseSeconds: number;
  /** takes rows committed just now; returns at once */
  deliver(ids: readonly number[], traces?: TraceContext | readonly (TraceContext | undefined)[]): void;
}

/**
 * Rows the pump will deliver are kept from the worker's drainer this long (the pump delivers
 * within milliseconds; the drainer takes over what a crashed or cut-off process left).
 */
const PUMP_LEASE_SECONDS = 15;

/** The channel the worker's drainer listens on: a notification means rows are due now. */
export const OUTBOX_CHANNEL = 'signal_outbox_due';

export interface SignalPumpOptions {
  /** per-call deadline for Temporal */
  timeoutMs: number;
  /** Temporal calls in flight at once */
  concurrency: number;
  /** rows per batch (one lock, one "delivered" update) */
  batchSize: number;
}

/**
 * Delivers the outbox rows a request committed without making the request wait: the request hands
 * over the ids and answers; the pump takes what has queued up in batches, `concurrency` calls at a
 * time, so a rush of submissions becomes a stream of batched deliveries instead of one Temporal
 * round trip inside each request. A row the pump does not deliver (Temporal down, process gone)
 * becomes due for the worker's drainer once its lease ends (`enqueueOutbox`'s leaseSeconds); the
 * workflows re-check Postgres before each reminder level, so a late signal costs no wrong reminder.
 */
export class SignalPump implements OutboxHandoff {
  readonly leaseSeconds = PUMP_LEASE_SECONDS;
  private queue: number[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  /** trace context of the request that wrote each queued row (only while tracing is on) */
  private readonly traces = new Map<number, TraceContext>();

  constructor(
    private readonly deps: { db: DB; temporal: Client; taskQueue: string; logger: Logger },
    private readonly opts: SignalPumpOptions,
  ) {}

  /**
   * Queues rows committed just now; returns at once. `traces`: the trace context of each row's
   * request (a shared one for all, or one per id in order), so its delivery joins that trace.
   */
  deliver(ids: readonly number[], traces?: TraceContext | readonly (TraceContext | undefined)[]): void {
    if (this.stopped || ids.length === 0) return;
    if (traces)
      ids.forEach((id, i) => {
        const t = Array.isArray(traces)
          ? (traces as (TraceContext | undefined)[])[i]
          : (traces as TraceContext);
        if (t) this.traces.set(id, t);
      });
    this.queue.push(...ids);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      // ids queued while the last batch was finishing
      if (this.queue.length && !this.stopped) this.deliver([]);
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length && !this.stopped) {
      const batch = this.queue.splice(0, this.opts.batchSize);
      const traceOf = this.traces.size ? (id: number) => this.traces.get(id) : undefined;
      await deliverLocked(this.deps, batch, this.opts.timeoutMs, this.opts.concurrency, traceOf);
      if (this.traces.size) for (const id of batch) this.traces.delete(id);
    }
  }

  /** Waits for the batch in flight; what is still queued stays for the drainer. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Resolves once everything queued so far was tried (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

/**
 * Hands committed rows to the worker's drainer instead of delivering them here: one NOTIFY on the
 * channel it listens on, sent after commit outside the writing transaction (a NOTIFY inside it
 * would take Postgres's global notify lock at every submission's commit). While one is in flight
 * the next rows only mark that another is due, so a rush costs a NOTIFY per round trip, not per
 * row. The API then makes no Temporal calls for submissions (measured at ~12 % of its CPU under
 * the rush, bench/RESULTS.md); the delivery is not part of the request's trace.
 */
export class DrainerWakeup implements OutboxHandoff {
  readonly leaseSeconds = 0;
  private sending: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: { db: DB; logger: Logger }) {}

  deliver(ids: readonly number[]): void {
    if (ids.length === 0) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = this.send().finally(() => (this.sending = undefined));
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      try {
        await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(this.deps.db);
      } catch (err) {
        // the rows are due already: the drainer's next poll takes them
        this.deps.logger.warn({ err }, 'outbox drainer not woken; its next poll delivers');
      }
    } while (this.again);
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
  limit = 200,
  concurrency = 16,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await lockDueSignals(trx, limit);
    return deliverRows(trx, { temporal: client, taskQueue, logger }, rows, 5000, concurrency);
  });
}

const DRAIN_BATCH = 200;

/**
 * Delivers due outbox rows every `intervalMs`, and at once when woken: with `listen`, a connection
 * of its own LISTENs on OUTBOX_CHANNEL, where the API's DrainerWakeup says rows were committed
 * (OUTBOX_DELIVERY=worker). A lost listening connection is reopened; meanwhile the poll goes on.
 */
export function startOutboxDrainer(
  db: DB,
  client: Client,
  taskQueue: string,
  logger: Logger,
  intervalMs: number,
  opts: { listen?: { databaseUrl: string }; concurrency?: number } = {},
): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> | undefined;
  /** woken while a drain was running: drain once more when it ends */
  let woken = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    clearTimeout(timer);
    if (stopped) return;
    running = (async () => {
      // a full batch means more are due: go on at once instead of after the interval
      for (;;) {
        woken = false;
        const n = await drainOutboxOnce(db, client, taskQueue, logger, DRAIN_BATCH, opts.concurrency);
        if (stopped || (n < DRAIN_BATCH && !woken)) break;
      }
    })()
      .catch((err: unknown) => logger.error({ err }, 'outbox drain failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, woken ? 0 : intervalMs);
      });
  };
  const wake = () => {
    if (running) woken = true;
    else tick();
  };
  timer = setTimeout(tick, intervalMs);
  const stopListening = opts.listen ? listenForDueRows(opts.listen.databaseUrl, wake, logger) : undefined;
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await stopListening?.();
    await running;
  };
}

/** LISTENs on OUTBOX_CHANNEL on a connection of its own, reconnecting after a loss; returns the stop. */
function listenForDueRows(databaseUrl: string, wake: () => void, logger: Logger): () => Promise<void> {
  let stopped = false;
  let conn: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const open = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    conn = c;
    const reopen = (err?: Error) => {
      if (conn !== c) return;
      conn = undefined;
      c.end().catch(() => undefined);
      if (stopped) return;
      logger.warn({ err }, 'outbox listener lost; reconnecting (the drainer polls meanwhile)');
      retry = setTimeout(() => void open(), 1000);
    };
    c.on('error', reopen);
    c.on('end', () => reopen());
    c.on('notification', wake);
    try {
      await c.connect();
      await c.query(`listen ${OUTBOX_CHANNEL}`);
      // rows committed while it was not listening
      wake();
    } catch (err) {
      reopen(err as Error);
    }
  };
  void open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = conn;
    conn = undefined;
    await c?.end().catch(() => undefined);
  };
}
