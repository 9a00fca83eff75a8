// Group commit for the morning rush: first submissions of the day that arrive while a commit is
// in flight are written together in the next transaction (one multi-row insert each of records,
// reviews, audit rows and outbox rows, one update of their days), so a batch costs the same few
// statements and one WAL flush whatever its size. A statement per person inside the batch would
// hold the batch's locks (stats rows, advisory buckets, day rows, which every other batch needs
// too) across one round trip and one event-loop turn of the API per person: measured, that was
// what bounded the rush (batches of 40 took 1.5-2.2 s, see bench/RESULTS.md). Each waiting request gets its own record, or is told
// to take the single-request path (its employee already had a record or its key was used, or the
// batch failed), where it gets its own answer or error.
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { HealthRecord } from '../../db/database.ts';
import { linkAttachments } from '../../db/repositories/attachments.ts';
import { insertAudits, type AuditEntry } from '../../db/repositories/audit.ts';
import { markDaysSubmitted } from '../../db/repositories/checkin-days.ts';
import { enqueueOutbox, type OutboxMessage } from '../../db/repositories/outbox.ts';
import { insertRecordsIfAbsent, type RecordInsert } from '../../db/repositories/records.ts';
import { openReviewsIfAbnormal } from '../../db/repositories/reviews.ts';
import { captureTraceContext, type TraceContext } from '../../platform/tracing.ts';

export interface FreshSubmission {
  values: RecordInsert & { employee_id: number; work_date: string; idempotency_key: string };
  timing: 'on_time' | 'late';
  photoIds: string[];
  /** the request's audit row, written with the record */
  audit?: (record: HealthRecord) => AuditEntry | null;
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
        const stored: [Waiting, HealthRecord][] = [];
        for (const w of batch) {
          const record = byKey.get(`${w.item.values.employee_id}:${w.item.values.idempotency_key}`);
          if (record) stored.push([w, record]);
        }
        // Issued together: pg sends each the moment the one before it returns, without waiting
        // for this process's event loop in between (the locks taken above are held meanwhile).
        const photos = stored.filter(([w]) => w.item.photoIds.length > 0);
        const audits = stored.flatMap(([w, record]) => w.item.audit?.(record) ?? []);
        const [reviewIds] = await Promise.all([
          openReviewsIfAbnormal(
            trx,
            stored.map(([, record]) => record),
          ),
          insertAudits(trx, audits),
          markDaysSubmitted(
            trx,
            stored.map(([w, record]) => ({
              employeeId: record.employee_id,
              workDate: record.work_date,
              outcome: w.item.timing === 'late' ? 'late' : 'submitted',
            })),
          ),
          ...photos.map(([w, record]) => linkAttachments(trx, w.item.photoIds, record.id)),
        ]);
        const written = new Map<Waiting, Written>();
        const messages: OutboxMessage[] = [];
        for (const [w, record] of stored) {
          const reviewId = reviewIds.get(record.id) ?? null;
          const own = this.deps.messages(record, w.item.timing, reviewId);
          messages.push(...own);
          traces.push(...own.map(() => w.trace));
          written.set(w, { record, reviewId });
        }
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
