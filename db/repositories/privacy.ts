// Privacy notice versions, the employees' acknowledgements / consents / withdrawals, and the
// current notice for the submission path (kept in memory, dropped when a version is published).
import { sql, type Transaction } from 'kysely';
import { draftVersions } from './draft-versions.ts';
import { readCache } from './read-cache.ts';
import type { DB } from '../connect.ts';
import type { Database, LegalBasis, NoticeText, PrivacyState } from '../database.ts';

export type NoticeRow = Awaited<ReturnType<typeof findNotice>> & {};

export function findNotice(db: DB, version: number) {
  return db.selectFrom('privacy_notices').selectAll().where('version', '=', version).executeTakeFirst();
}

export function findPublishedNotice(db: DB) {
  return db.selectFrom('privacy_notices').selectAll().where('status', '=', 'published').executeTakeFirst();
}

/**
 * How long a process may take the notice it read last for the current one: a publish through this
 * process is seen at once (the cache is dropped), one through another API instance within this time.
 */
const NOTICE_CACHE_MS = 5_000;
const noticeCache = readCache(NOTICE_CACHE_MS, (db) => findPublishedNotice(db));

/** The published notice for the hot path (every submission asks): one read per process per 5 s. */
export const getPublishedNoticeCached = (db: DB): Promise<NoticeRow | undefined> => noticeCache.get(db);

export function listNotices(db: DB) {
  return db.selectFrom('privacy_notices').selectAll().orderBy('version', 'desc').execute();
}

export interface NoticeDraft {
  legalBasis: LegalBasis;
  content: { zh: NoticeText; en: NoticeText };
  showReaderNames: boolean;
}

export function insertNoticeDraft(db: DB, d: NoticeDraft, createdBy: string) {
  return db
    .insertInto('privacy_notices')
    .values({
      legal_basis: d.legalBasis,
      content: JSON.stringify(d.content),
      show_reader_names: d.showReaderNames,
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const noticeVersions = draftVersions('privacy_notices', noticeCache);

export function updateNoticeDraft(db: DB, version: number, d: NoticeDraft) {
  return noticeVersions.updateDraft(db, version, {
    legal_basis: d.legalBasis,
    content: JSON.stringify(d.content),
    show_reader_names: d.showReaderNames,
  });
}

/** Retires the published notice and publishes the draft, atomically; undefined if not a draft. */
export const publishNotice = (db: DB, version: number) => noticeVersions.publish(db, version);

/** Drops this process's copy (tests that reset the tables). */
export const forgetNoticeCache = (db: DB) => noticeCache.forget(db);

/** A person's answer to a notice version, and where they gave it. */
export interface PrivacyAnswer {
  employeeId: number;
  version: number;
  action: PrivacyState;
  ip: string | null;
  userAgent: string | null;
}

/** Stores the person's answer: the history row and their current state, in one transaction. */
export async function recordPrivacyAnswer(trx: Transaction<Database>, a: PrivacyAnswer) {
  const row = await trx
    .insertInto('privacy_consents')
    .values({
      employee_id: a.employeeId,
      notice_version: a.version,
      action: a.action,
      ip: a.ip,
      user_agent: a.userAgent?.slice(0, 500) ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('employees')
    .set({ privacy_version: a.version, privacy_state: a.action })
    .where('id', '=', a.employeeId)
    .execute();
  return row;
}

export function consentHistory(db: DB, employeeId: number) {
  return db
    .selectFrom('privacy_consents')
    .select(['id', 'notice_version', 'action', 'at', 'ip', 'user_agent'])
    .where('employee_id', '=', employeeId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** How the active employees stand towards each notice version: counts by their current answer. */
export async function answerCounts(db: DB) {
  const rows = await db
    .selectFrom('employees')
    .select(['privacy_version', 'privacy_state', sql<number>`count(*)::int`.as('n')])
    .where('active', '=', true)
    .where('privacy_version', 'is not', null)
    .groupBy(['privacy_version', 'privacy_state'])
    .execute();
  const out = new Map<number, Record<PrivacyState, number>>();
  for (const r of rows) {
    if (r.privacy_version === null || r.privacy_state === null) continue;
    const c = out.get(r.privacy_version) ?? { acknowledged: 0, consented: 0, withdrawn: 0 };
    c[r.privacy_state] += r.n;
    out.set(r.privacy_version, c);
  }
  return out;
}
