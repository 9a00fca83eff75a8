// Group commit for the morning rush: first submissions of the day that arrive while a commit is
// in flight are written together in the next batch: one round trip reserves the batch's ids, one
// query (its statements run as one transaction) writes their records, reviews, audit rows, day
// updates and outbox rows (db/repositories/first-records.ts). Each waiting request gets its own record, or is told to take
// the single-request path (its employee already had a record or its key was used, or the batch
// failed), where it gets its own answer or error.
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { HealthRecord } from '../../db/database.ts';
import type { AuditEntry } from '../../db/repositories/audit.ts';
import { insertFirstRecords, reserveIds } from '../../db/repositories/first-records.ts';
import type { OutboxMessage } from '../../db/repositories/outbox.ts';
import { captureTraceContext, type TraceContext } from '../../platform/tracing.ts';

export interface FreshSubmission {
  /** the record as it will be stored, but for what the write gives it (its id, when) */
  values: Omit<HealthRecord, 'id' | 'created_at' | 'is_current' | 'locations_removed_at'>;
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
 * (one core); a few overlap the commits' WAL flushes and the stats triggers. An employee is in one
 * batch at a time; a twin from another process makes its batch fail (unique indexes), and a batch
 * that fails or loses a deadlock goes one by one.
 */
const LANES = 3;

const UNIQUE_VIOLATION = '23505';

export class GroupCommit {
  private queue: Waiting[] = [];
  private running = 0;
  /** employees whose first record is being written now */
  private readonly inFlight = new Set<number>();

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

  /**
   * A lane keeps one connection while it has batches: checking one out per round trip queued each
   * batch behind the rush's reads (measured: ~0.5 s per checkout at 200/s with a pool of 10).
   */
  private async run(): Promise<void> {
    this.running++;
    let failed = false;
    try {
      await this.deps.db.connection().execute(async (conn) => {
        for (let batch = this.take(); batch.length > 0; batch = this.take()) {
          failed = !(await this.commit(conn, batch));
          this.settle(batch);
          // a connection that failed is given back (the pool replaces a broken one)
          if (failed) break;
        }
      });
    } catch (err) {
      // no connection: those waiting go on alone, where each gets its own answer or error
      this.deps.logger.warn({ err }, 'group commit has no connection; its requests go one by one');
      for (const w of this.queue.splice(0)) w.resolve(null);
    } finally {
      this.running--;
    }
    // the rest of the queue needs a lane (a lane that ran out of batches has none left to take:
    // what waits is a twin of a batch in flight, which that batch's lane settles)
    if (failed && this.queue.length > 0 && this.running < LANES) void this.run();
  }

  /** The batch is written (or failed): a double tap that waited goes on alone and replays. */
  private settle(batch: Waiting[]) {
    const done = new Set(batch.map((w) => w.item.values.employee_id));
    for (const e of done) this.inFlight.delete(e);
    this.queue = this.queue.filter((w) => {
      if (!done.has(w.item.values.employee_id)) return true;
      w.resolve(null);
      return false;
    });
  }

  /** The next batch: one request per employee, none whose employee another lane is writing. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const w of this.queue) {
      const employee = w.item.values.employee_id;
      if (batch.length < this.maxBatch && !this.inFlight.has(employee)) {
        this.inFlight.add(employee);
        batch.push(w);
      } else rest.push(w);
    }
    this.queue = rest;
    return batch;
  }

  /** Writes the batch and answers its requests; false when it failed for another reason than a twin. */
  private async commit(db: DB, batch: Waiting[]): Promise<boolean> {
    // a steady lock order between concurrent batches and single-request transactions
    batch.sort((a, b) => a.item.values.employee_id - b.item.values.employee_id);
    let rows: {
      w: Waiting;
      record: HealthRecord;
      reviewId: number | null;
      outbox: (OutboxMessage & { id: number })[];
    }[];
    try {
      const abnormal = batch.filter((w) => w.item.values.severity !== 'normal').length;
      // a day signal each, and a review start each abnormal one
      const ids = await reserveIds(db, {
        records: batch.length,
        reviews: abnormal,
        outbox: batch.length + abnormal,
      });
      const createdAt = new Date();
      let nextReview = 0;
      let nextOutbox = 0;
      rows = batch.map((w, i) => {
        const record: HealthRecord = {
          ...w.item.values,
          id: ids.records[i] as number,
          created_at: createdAt,
          is_current: true,
          locations_removed_at: null,
        };
        const reviewId = record.severity === 'normal' ? null : (ids.reviews[nextReview++] as number);
        const outbox = this.deps.messages(record, w.item.timing, reviewId).map((m) => ({
          ...m,
          id: ids.outbox[nextOutbox++] as number,
        }));
        return { w, record, reviewId, outbox };
      });
      if (nextOutbox !== ids.outbox.length) throw new Error('outbox ids reserved for messages not sent');
      await insertFirstRecords(db, {
        records: rows.map((r) => r.record),
        reviews: rows.flatMap(({ record, reviewId }) => (reviewId === null ? [] : [{ ...record, reviewId }])),
        audits: rows.flatMap(({ w, record }) => w.item.audit?.(record) ?? []),
        days: rows.map(({ w, record }) => ({
          employeeId: record.employee_id,
          workDate: record.work_date,
          outcome: w.item.timing === 'late' ? 'late' : 'submitted',
        })),
        photos: rows.flatMap(({ w, record }) => w.item.photoIds.map((id) => ({ id, recordId: record.id }))),
        outbox: rows.flatMap((r) => r.outbox),
        leaseSeconds: this.deps.leaseSeconds,
      });
    } catch (err) {
      // each request tries again alone and gets its own answer or error; a twin that came late
      // (its key or day taken since it looked) is routine: the single path answers it
      const twin = (err as { code?: string }).code === UNIQUE_VIOLATION;
      this.deps.logger[twin ? 'info' : 'warn'](
        twin ? { size: batch.length } : { err, size: batch.length },
        'group commit refused; its requests go one by one',
      );
      for (const w of batch) w.resolve(null);
      return twin;
    }
    // each outbox row in the trace of the request that wrote it
    const outbox = rows.flatMap(({ w, outbox }) => outbox.map((m) => ({ id: m.id, trace: w.trace })));
    this.deps.delivered(
      outbox.map((m) => m.id),
      outbox.map((m) => m.trace),
    );
    for (const { w, record, reviewId } of rows) w.resolve({ record, reviewId });
    return true;
  }
}
