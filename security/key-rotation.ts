// Re-seals stored ciphertexts with the active key, and seals plaintext left from before field
// encryption. Table by table in id order, `batchSize` rows per transaction (rows locked while they
// are rewritten, so a concurrent edit waits instead of being lost). A row counts as done once its
// key_id is the active key, so an interrupted run simply starts again and skips what is done.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { AnomalyReason } from '../domain/anomaly/evaluate.ts';
import type { DB } from '../db/connect.ts';
import type { Database, ReviewHistoryEntry } from '../db/database.ts';
import {
  AAD,
  openAnswers,
  openComment,
  openMobile,
  openReasons,
  sealComment,
  sealHistoryEntry,
  sealMobile,
  openPhoto,
  sealPhoto,
  sealRecordFields,
  openDataRequestMessage,
  sealDataRequestMessage,
} from '../db/sealed-fields.ts';
import { CiphertextError, isCiphertext, type FieldKeyring } from './field-crypto.ts';

type Row = Record<string, unknown> & { id: number | string };
type SqlType = 'text' | 'jsonb' | 'bytea';

interface SealedTable {
  table: 'health_records' | 'employees' | 'reviews' | 'attachments' | 'data_requests';
  /** the primary key's type and a value below every id (rows are walked in id order) */
  id?: { type: 'uuid'; start: string };
  /** columns read: ciphertexts and legacy plaintext */
  read: string[];
  /** columns written, with their SQL types */
  write: Record<string, SqlType>;
  /** legacy plaintext columns, nulled once sealed */
  legacy: string[];
  /** the row's values sealed with `k` (opened from its ciphertexts under any key, or its plaintext) */
  reseal(
    row: Row,
    k: FieldKeyring,
  ): { values: Record<string, string | Buffer | null>; hadPlaintext: boolean };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

const tables: SealedTable[] = [
  {
    table: 'health_records',
    read: ['answers', 'reasons', 'answers_ct', 'reasons_ct'],
    write: { answers_ct: 'text', reasons_ct: 'text' },
    legacy: ['answers', 'reasons'],
    reseal(row, k) {
      const hadPlaintext = row.answers_ct === null;
      if (hadPlaintext && row.answers === null) {
        throw new CiphertextError('not_encrypted', 'record has neither answers nor sealed answers');
      }
      const answers = hadPlaintext
        ? (row.answers as Record<string, unknown>)
        : openAnswers(str(row.answers_ct), k);
      const reasons =
        row.reasons_ct === null
          ? ((row.reasons ?? []) as AnomalyReason[])
          : openReasons(str(row.reasons_ct), k);
      const sealed = sealRecordFields({ answers, reasons }, k);
      return { values: { answers_ct: sealed.answers_ct, reasons_ct: sealed.reasons_ct }, hadPlaintext };
    },
  },
  {
    table: 'employees',
    read: ['mobile', 'mobile_ct'],
    write: { mobile_ct: 'text' },
    legacy: ['mobile'],
    reseal(row, k) {
      const hadPlaintext = row.mobile_ct === null && row.mobile !== null;
      const mobile = row.mobile_ct === null ? str(row.mobile) : openMobile(str(row.mobile_ct), k);
      return { values: { mobile_ct: sealMobile(mobile, k).mobile_ct }, hadPlaintext };
    },
  },
  {
    table: 'reviews',
    read: ['comment', 'comment_ct', 'history'],
    write: { comment_ct: 'text', history: 'jsonb' },
    legacy: ['comment'],
    reseal(row, k) {
      let hadPlaintext = row.comment_ct === null && row.comment !== null;
      const comment = row.comment_ct === null ? str(row.comment) : openComment(str(row.comment_ct), k);
      // A row from before encryption may have had sealed comments appended since: each entry says which it is.
      const history = (row.history as ReviewHistoryEntry[]).map((e) => {
        if (e.comment === undefined) return e;
        if (isCiphertext(e.comment)) return { ...e, comment: k.decryptText(e.comment, AAD.historyComment) };
        hadPlaintext = true;
        return e;
      });
      return {
        values: {
          comment_ct: sealComment(comment, k),
          history: JSON.stringify(history.map((e) => sealHistoryEntry(e, k))),
        },
        hadPlaintext,
      };
    },
  },
  {
    // the ciphertext replaces the bytes in place; key_id null means they are still plain
    table: 'attachments',
    id: { type: 'uuid', start: '00000000-0000-0000-0000-000000000000' },
    read: ['bytes', 'key_id'],
    write: { bytes: 'bytea' },
    legacy: [],
    reseal(row, k) {
      const keyId = str(row.key_id);
      const plain = openPhoto(row.bytes as Buffer, keyId, k);
      return { values: { bytes: sealPhoto(plain, k).bytes }, hadPlaintext: keyId === null };
    },
  },
  {
    // employees' correction and deletion requests (0015): always sealed
    table: 'data_requests',
    read: ['message_ct'],
    write: { message_ct: 'text' },
    legacy: [],
    reseal(row, k) {
      const message = openDataRequestMessage(str(row.message_ct) ?? '', k);
      return { values: { message_ct: sealDataRequestMessage(message, k).message_ct }, hadPlaintext: false };
    },
  },
];

export interface RotationOptions {
  /** rows per transaction (default 500) */
  batchSize?: number;
  /** only rows never sealed: what start-up does after an upgrade */
  plaintextOnly?: boolean;
  /** stop after this many batches per table (a later run continues) */
  maxBatches?: number;
  log?: (message: string) => void;
}

export interface TableRotation {
  table: string;
  /** rows needing work when the run started */
  pending: number;
  /** rows now sealed with the active key */
  resealed: number;
  /** of those, rows that still held plaintext */
  fromPlaintext: number;
  /** rows whose ciphertext did not open (tampered or under a key no longer configured); left as they were */
  failed: (number | string)[];
}

const needsWork = (k: FieldKeyring, plaintextOnly: boolean): RawBuilder<boolean> =>
  plaintextOnly ? sql<boolean>`key_id is null` : sql<boolean>`key_id is distinct from ${k.activeKeyId}`;

async function rotateBatch(
  trx: Transaction<Database>,
  t: SealedTable,
  k: FieldKeyring,
  afterId: number | string,
  o: Required<Pick<RotationOptions, 'batchSize' | 'plaintextOnly'>>,
) {
  const { rows } = await sql<Row>`
    select id, ${sql.join(t.read.map((c) => sql.ref(c)))} from ${sql.table(t.table)}
    where id > ${afterId} and ${needsWork(k, o.plaintextOnly)}
    order by id limit ${o.batchSize} for update`.execute(trx);
  const failed: (number | string)[] = [];
  const updates: { id: number | string; values: Record<string, string | Buffer | null> }[] = [];
  let fromPlaintext = 0;
  for (const row of rows) {
    try {
      const r = t.reseal(row, k);
      updates.push({ id: row.id, values: r.values });
      if (r.hadPlaintext) fromPlaintext++;
    } catch (err) {
      if (!(err instanceof CiphertextError)) throw err;
      failed.push(row.id);
    }
  }
  if (updates.length > 0) {
    const cols = Object.keys(t.write);
    const tuples = updates.map(
      (u) =>
        sql`(${u.id}::${sql.raw(t.id?.type ?? 'bigint')}, ${sql.join(cols.map((c) => sql`${u.values[c] ?? null}::${sql.raw(t.write[c] as string)}`))})`,
    );
    await sql`
      update ${sql.table(t.table)} as t set
        ${sql.join([
          ...cols.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`),
          ...t.legacy.map((c) => sql`${sql.ref(c)} = null`),
          sql`key_id = ${k.activeKeyId}`,
        ])}
      from (values ${sql.join(tuples)}) as v(id, ${sql.join(cols.map((c) => sql.ref(c)))})
      where t.id = v.id`.execute(trx);
  }
  return { lastId: rows.at(-1)?.id, resealed: updates.length, fromPlaintext, failed };
}

/** Seals every row of every sensitive table with the keyring's active key; returns counts per table. */
export async function rotateFieldKeys(
  db: DB,
  k: FieldKeyring,
  opts: RotationOptions = {},
): Promise<TableRotation[]> {
  const o = { batchSize: opts.batchSize ?? 500, plaintextOnly: opts.plaintextOnly ?? false };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new Error('batch size must be a positive integer');
  const report: TableRotation[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(t.table)} where ${needsWork(k, o.plaintextOnly)}`.execute(
      db,
    );
    const r: TableRotation = {
      table: t.table,
      pending: rows[0]?.n ?? 0,
      resealed: 0,
      fromPlaintext: 0,
      failed: [],
    };
    let afterId: number | string = t.id?.start ?? 0;
    for (let batch = 1; r.pending > 0 && batch <= (opts.maxBatches ?? Infinity); batch++) {
      const b = await db.transaction().execute((trx) => rotateBatch(trx, t, k, afterId, o));
      if (b.lastId === undefined) break;
      afterId = b.lastId;
      r.resealed += b.resealed;
      r.fromPlaintext += b.fromPlaintext;
      r.failed.push(...b.failed);
      opts.log?.(`${t.table}: batch ${batch}, ${r.resealed}/${r.pending} sealed with "${k.activeKeyId}"`);
    }
    report.push(r);
  }
  return report;
}
