// The group commit's write: a batch of first records of the day with everything that goes with
// them (reviews, audit rows, day updates, photo links, outbox rows) in two round trips: one
// reserves the batch's ids, one sends every statement of the write in a single simple-protocol
// query, which Postgres runs in order as one implicit transaction (any error rolls all of it
// back). A transaction of one round trip per statement held its locks (stats rows, advisory
// buckets, day rows) across an event-loop turn of the API per statement: seven turns per batch,
// ~90 ms at 100/s on a quiet box (bench/RESULTS.md). The statements stay separate, in the same
// order as the single-request path, because the dashboard's stats triggers are written for that:
// one statement of data-modifying CTEs fires them all at its end and miscounts pending days.
import { sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { DB } from '../connect.ts';
import type { HealthRecord } from '../database.ts';
import { keyringOf } from '../sealed-fields.ts';
import { attachmentsLinkUpdate } from './attachments.ts';
import { auditRow, type AuditEntry } from './audit.ts';
import { daysSubmittedUpdate } from './checkin-days.ts';
import { outboxRows, type OutboxMessage } from './outbox.ts';
import { sealedRecordRow } from './records.ts';
import { reviewRow, type NewRecord } from './reviews.ts';

type Reserved = { records: number[]; reviews: number[]; outbox: number[] };

/** Ids for the batch's records, reviews and outbox rows, taken from their sequences before the write. */
export async function reserveIds(db: DB, n: { [K in keyof Reserved]: number }): Promise<Reserved> {
  const take = (table: string, count: number) =>
    sql`(select coalesce(json_agg(nextval(pg_get_serial_sequence(${table}, 'id'))), '[]')
         from generate_series(1, ${count}::int))`;
  const { rows } = await sql<Reserved>`select ${take('health_records', n.records)} as records,
    ${take('reviews', n.reviews)} as reviews, ${take('signal_outbox', n.outbox)} as outbox`.execute(db);
  const row = rows[0];
  if (row?.records.length !== n.records || row.reviews.length !== n.reviews || row.outbox.length !== n.outbox)
    throw new Error('ids not reserved');
  return row;
}

export interface FirstRecordsBatch {
  /** as they will be stored, each with the id reserved for it */
  records: HealthRecord[];
  reviews: (NewRecord & { reviewId: number })[];
  audits: AuditEntry[];
  days: { employeeId: number; workDate: string; outcome: 'submitted' | 'late' }[];
  photos: { id: string; recordId: number }[];
  /** each with the id reserved for it */
  outbox: (OutboxMessage & { id: number })[];
  /** the writing process delivers its outbox rows itself for this long (its signal pump) */
  leaseSeconds: number;
}

/**
 * Writes the batch, all of it or nothing: a record the unique indexes refuse (its key or its day
 * taken by a concurrent request since it looked) fails the whole write, and the caller goes one by
 * one.
 */
export async function insertFirstRecords(db: DB, b: FirstRecordsBatch): Promise<void> {
  if (b.records.length === 0) return;
  const k = keyringOf(db);
  const statements: CompiledQuery[] = [
    db
      .insertInto('health_records')
      .values(b.records.map(({ locations_removed_at: _never, ...r }) => sealedRecordRow(r, k)))
      .compile(),
  ];
  if (b.reviews.length > 0)
    statements.push(
      db
        .insertInto('reviews')
        .values(b.reviews.map((r) => ({ ...reviewRow(r, k.activeKeyId), id: r.reviewId })))
        .compile(),
    );
  if (b.audits.length > 0)
    statements.push(db.insertInto('audit_log').values(b.audits.map(auditRow)).compile());
  if (b.days.length > 0) statements.push(daysSubmittedUpdate(b.days).compile(db));
  if (b.photos.length > 0) statements.push(attachmentsLinkUpdate(b.photos).compile(db));
  if (b.outbox.length > 0) {
    const rows = outboxRows(b.outbox, b.leaseSeconds);
    statements.push(
      db
        .insertInto('signal_outbox')
        .values(rows.map((r, i) => ({ ...r, id: b.outbox[i]?.id })))
        .compile(),
    );
  }
  await sql.raw(statements.map(inlined).join(';\n')).execute(db);
}

/**
 * The statement with its parameters written in as quoted literals (a query with parameters cannot
 * hold several statements). An untyped quoted literal is typed by Postgres as an untyped parameter
 * is, so the statement means what it meant with parameters; pg's escapeLiteral quotes.
 */
function inlined(q: CompiledQuery): string {
  return q.sql.replace(/\$(\d+)/g, (_, n: string) => literal(q.parameters[Number(n) - 1]));
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return pg.escapeLiteral(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `'${String(v)}'`;
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (Array.isArray(v)) return pg.escapeLiteral(`{${v.map(arrayElement).join(',')}}`);
  throw new Error(`no SQL literal for a ${typeof v} parameter`);
}

const arrayElement = (v: unknown): string => {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v !== 'string') throw new Error(`no SQL array element for a ${typeof v}`);
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
};
