// Group commit for the morning rush: first submissions of the day that arrive while a commit is
// in flight are written together in the next transaction (one multi-row insert of records, one
// update of their days, one insert of their outbox rows), so a rush costs a few statements and one
// WAL flush per batch instead of per person. Each waiting request gets its own record, or is told
// to take the single-request path (its employee already had a record or its key was used, or the
// batch failed), where it gets its own answer or error.
import type { Transaction } from 'kysely';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { Database, HealthRecord } from '../../db/database.ts';
import { linkAttachments } from '../../db/repositories/attachments.ts';
import { markDaysSubmitted } from '../../db/repositories/checkin-days.ts';
import { enqueueOutbox, type OutboxMessage } from '../../db/repositories/outbox.ts';
import { insertRecordsIfAbsent, type RecordInsert } from '../../db/repositories/records.ts';
import { openReviewIfAbnormal } from '../../db/repositories/reviews.ts';
import { captureTraceContext, type TraceContext } from '../../platform/tracing.ts';

export interface FreshSubmission {
  values: RecordInsert & { employee_id: number; work_date: string; idempotency_key: string };
  timing: 'on_time' | 'late';
  photoIds: string[];
  inTransaction?: (trx: Transaction<Database>, record: HealthRecord) => Promise<void>;
}

export interface Written {
  record: HealthRecord;
  reviewId: number | null;
}

/** What a stored first record tells Temporal: its day's workflow, and a review to start when abnormal. */
export type DayMessages = (
  record: HealthRecord,
  timing: 'on_time' | 'late',
  reviewId: number | null,
) => OutboxMessage[];

interface Waiting {
  item: FreshSubmission;
  resolve: (w: Written | null) => void;
  /** the request's trace context (tracing on), so its outbox rows are delivered in its trace */
  trace: TraceContext | undefined;
}

/**
 * Batches committing at once: one lane would put every write of the rush on one Postgres backend
 * (one core); a few overlap the commits' WAL flushes and the stats triggers. Concurrent batches
 * stay correct: the unique indexes refuse a twin, and a batch that loses a deadlock goes one by one.
 */
const LANES = 3;

export class GroupCommit {
  private queue: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly deps: {
      db: DB;
      logger: Logger;
      messages: DayMessages;
      /** after commit: hands the outbox ids over (the signal pump), with each one's trace context */
      delivered: (ids: number[], traces: (TraceContext | undefined)[]) => void;
      leaseSeconds: number;
    },
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the stored record, or null when the request must take the single-request path. */
  write(item: FreshSubmission): Promise<Written | null> {
    return new Promise((resolve) => {
      this.queue.push({ item, resolve, trace: captureTraceContext() });
      if (this.running < LANES) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length) {
        // one request per employee in a batch (a double tap waits for the next one, then replays)
        const batch: Waiting[] = [];
        const rest: Waiting[] = [];
        const seen = new Set<number>();
        for (const w of this.queue) {
          if (batch.length < this.maxBatch && !seen.has(w.item.values.employee_id)) {
            seen.add(w.item.values.employee_id);
            batch.push(w);
          } else rest.push(w);
        }
        this.queue = rest;
        await this.commit(batch);
      }
    } finally {
      this.running--;
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    // a steady lock order between concurrent batches and single-request transactions
    batch.sort((a, b) => a.item.values.employee_id - b.item.values.employee_id);
    let results: Map<Waiting, Written>;
    let outboxIds: number[] = [];
    const traces: (TraceContext | undefined)[] = [];
    try {
      ({ results, outboxIds } = await this.deps.db.transaction().execute(async (trx) => {
        const records = await insertRecordsIfAbsent(
          trx,
          batch.map((w) => w.item.values),
        );
        const byKey = new Map(records.map((r) => [`${r.employee_id}:${r.idempotency_key}`, r]));
        const written = new Map<Waiting, Written>();
        const messages: OutboxMessage[] = [];
        for (const w of batch) {
          const record = byKey.get(`${w.item.values.employee_id}:${w.item.values.idempotency_key}`);
          if (!record) continue;
          await linkAttachments(trx, w.item.photoIds, record.id);
          await w.item.inTransaction?.(trx, record);
          const reviewId = await openReviewIfAbnormal(trx, record);
          const own = this.deps.messages(record, w.item.timing, reviewId);
          messages.push(...own);
          traces.push(...own.map(() => w.trace));
          written.set(w, { record, reviewId });
        }
        await markDaysSubmitted(
          trx,
          [...written].map(([w, { record }]) => ({
            employeeId: record.employee_id,
            workDate: record.work_date,
            outcome: w.item.timing === 'late' ? 'late' : 'submitted',
          })),
        );
        return { results: written, outboxIds: await enqueueOutbox(trx, messages, this.deps.leaseSeconds) };
      }));
    } catch (err) {
      // each request tries again alone and gets its own answer or error
      this.deps.logger.warn({ err, size: batch.length }, 'group commit failed; its requests go one by one');
      for (const w of batch) w.resolve(null);
      return;
    }
    this.deps.delivered(outboxIds, traces);
    for (const w of batch) w.resolve(results.get(w) ?? null);
  }
}
