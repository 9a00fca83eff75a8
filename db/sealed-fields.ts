// The sensitive columns and how each is sealed and opened: health answers, anomaly reasons (they
// name the fever or the red code), mobile numbers, reviewers' comments. Each ciphertext is bound to
// its column, so one copied elsewhere does not open. Writers and the key rotation both come here.
import type { AnomalyReason } from '../domain/anomaly/evaluate.ts';
import type { Kysely, KyselyPlugin, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { CiphertextError, type FieldKeyring } from '../security/field-crypto.ts';
import type { DB } from './connect.ts';
import type { Database, ReviewHistoryEntry } from './database.ts';

// The keyring travels with the database handle it protects: bootstrap (and every bench, script and
// test context) builds `withFieldKeys(createDb(url), keyring)`, transactions inherit it, and a
// repository reads it back with keyringOf(db). There is no process-wide keyring to install.
class FieldKeysPlugin implements KyselyPlugin {
  constructor(readonly keyring: FieldKeyring) {}
  transformQuery(args: { node: RootOperationNode }): RootOperationNode {
    return args.node;
  }
  transformResult(args: { result: QueryResult<UnknownRow> }): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** The same pool, now able to seal and open the sensitive columns with this keyring. */
export const withFieldKeys = (db: DB, keyring: FieldKeyring): DB =>
  db.withPlugin(new FieldKeysPlugin(keyring));

/** The keyring of a handle made by withFieldKeys (or a transaction opened on one). */
export function keyringOf(db: Kysely<Database>): FieldKeyring {
  // the last one wins: a handle re-keyed with withFieldKeys(db, other) reads with the other
  const plugin = [...db.getExecutor().plugins].reverse().find((p) => p instanceof FieldKeysPlugin);
  if (!plugin) throw new Error('this database handle has no field keyring: build it with withFieldKeys()');
  return plugin.keyring;
}

export const AAD = {
  answers: 'health_records.answers',
  reasons: 'health_records.reasons',
  mobile: 'employees.mobile',
  comment: 'reviews.comment',
  historyComment: 'reviews.history.comment',
  photo: 'attachments.bytes',
  dataRequestMessage: 'data_requests.message',
} as const;

const required = (ct: string | null, aad: string): string => {
  // Rows are sealed at start-up after an upgrade; a missing ciphertext is an error, never a blank.
  if (ct === null)
    throw new CiphertextError('not_encrypted', `${aad} is not sealed yet (npm run rotate-keys)`);
  return ct;
};

export const sealRecordFields = (
  v: { answers: Record<string, unknown>; reasons: AnomalyReason[] },
  k: FieldKeyring,
) => ({
  answers_ct: k.encryptJson(v.answers, AAD.answers),
  reasons_ct: k.encryptJson(v.reasons, AAD.reasons),
  key_id: k.activeKeyId,
});

export const openAnswers = (ct: string | null, k: FieldKeyring) =>
  k.decryptJson<Record<string, unknown>>(required(ct, AAD.answers), AAD.answers);

export const openReasons = (ct: string | null, k: FieldKeyring) =>
  k.decryptJson<AnomalyReason[]>(required(ct, AAD.reasons), AAD.reasons);

/** The employee's only sealed field, so sealing it (re)keys the whole row. */
export const sealMobile = (mobile: string | null, k: FieldKeyring) => ({
  mobile_ct: mobile === null ? null : k.encryptText(mobile, AAD.mobile),
  key_id: k.activeKeyId,
});

export const openMobile = (ct: string | null, k: FieldKeyring) =>
  ct === null ? null : k.decryptText(ct, AAD.mobile);

export const sealComment = (comment: string | null, k: FieldKeyring) =>
  comment === null ? null : k.encryptText(comment, AAD.comment);

export const openComment = (ct: string | null, k: FieldKeyring) =>
  ct === null ? null : k.decryptText(ct, AAD.comment);

export const sealHistoryEntry = (e: ReviewHistoryEntry, k: FieldKeyring) =>
  e.comment === undefined ? e : { ...e, comment: k.encryptText(e.comment, AAD.historyComment) };

export const openHistory = (h: ReviewHistoryEntry[], k: FieldKeyring) =>
  h.map((e) =>
    e.comment === undefined ? e : { ...e, comment: k.decryptText(e.comment, AAD.historyComment) },
  );

/** The row without ciphertexts, key id and the named legacy plaintext columns (opened values replace them). */
export function stripSealed<R extends object, K extends string = never>(
  row: R,
  legacy: readonly K[] = [],
): Omit<R, K | 'key_id' | `${string}_ct`> {
  const names: readonly string[] = legacy;
  return Object.fromEntries(
    Object.entries(row).filter(([k]) => k !== 'key_id' && !k.endsWith('_ct') && !names.includes(k)),
  ) as Omit<R, K | 'key_id' | `${string}_ct`>;
}

export const sealPhoto = (bytes: Uint8Array, k: FieldKeyring) => ({
  bytes: k.encryptBytes(bytes, AAD.photo),
  key_id: k.activeKeyId,
});

/** A photo's bytes; ones stored before encryption (key_id null) are returned as they are. */
export const openPhoto = (bytes: Buffer, keyId: string | null, k: FieldKeyring) =>
  keyId === null ? bytes : k.decryptBytes(bytes, AAD.photo);

export const sealDataRequestMessage = (message: string, k: FieldKeyring) => ({
  message_ct: k.encryptText(message, AAD.dataRequestMessage),
  key_id: k.activeKeyId,
});

export const openDataRequestMessage = (ct: string, k: FieldKeyring) =>
  k.decryptText(ct, AAD.dataRequestMessage);
