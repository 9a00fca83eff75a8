// Form versions: drafts, the one published form, and old versions kept for old records.
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { draftVersions } from './draft-versions.ts';
import { readCache } from './read-cache.ts';
import type { DB } from '../connect.ts';

/** The published form; a new company gets the default form published as version 1. */
export async function getPublishedForm(db: DB) {
  const row = await db.selectFrom('forms').selectAll().where('status', '=', 'published').executeTakeFirst();
  if (row) return row;
  await db
    .insertInto('forms')
    .values({
      status: 'published',
      definition: JSON.stringify(defaultForm),
      note: 'default form',
      published_at: new Date(),
    })
    .onConflict((oc) => oc.column('status').where('status', '=', 'published').doNothing())
    .execute();
  return db.selectFrom('forms').selectAll().where('status', '=', 'published').executeTakeFirstOrThrow();
}

export function findFormVersion(db: DB, version: number) {
  return db.selectFrom('forms').selectAll().where('version', '=', version).executeTakeFirst();
}

type FormRow = NonNullable<Awaited<ReturnType<typeof findFormVersion>>>;

/**
 * A published (or retired) version never changes again, so the submission path keeps the ones it
 * read; drafts are never kept. Bounded: a company publishes a handful of versions a year.
 */
const versionCache = new WeakMap<DB, Map<number, FormRow>>();
const VERSIONS_KEPT = 64;

/** findFormVersion for the hot path: a version once seen published is answered from memory. */
export async function findFormVersionCached(db: DB, version: number): Promise<FormRow | undefined> {
  let kept = versionCache.get(db);
  const hit = kept?.get(version);
  if (hit) return hit;
  const row = await findFormVersion(db, version);
  if (row && row.status !== 'draft') {
    if (!kept) versionCache.set(db, (kept = new Map<number, FormRow>()));
    if (kept.size >= VERSIONS_KEPT) kept.clear();
    kept.set(version, row);
  }
  return row;
}

/**
 * How long a process may take the published form it read last for the current one: a publish
 * through this process is seen at once, one through another API instance within this time.
 */
const PUBLISHED_CACHE_MS = 5_000;
const publishedCache = readCache(PUBLISHED_CACHE_MS, (db) => getPublishedForm(db));

/** getPublishedForm for the hot path (a submission without a formVersion). */
export const getPublishedFormCached = (db: DB): Promise<FormRow> => publishedCache.get(db);

export function listFormVersions(db: DB) {
  return db.selectFrom('forms').selectAll().orderBy('version', 'desc').execute();
}

export function insertDraft(db: DB, definition: FormDefinition, note: string | null) {
  return db
    .insertInto('forms')
    .values({ definition: JSON.stringify(definition), note })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const formVersions = draftVersions('forms', publishedCache);

export function updateDraft(db: DB, version: number, definition: FormDefinition, note: string | null) {
  return formVersions.updateDraft(db, version, { definition: JSON.stringify(definition), note });
}

/** Retires the published form and publishes the draft, atomically; undefined if not a draft. */
export async function publishDraft(db: DB, version: number) {
  // a new company's default form is published first, so that it is the one retired
  await getPublishedForm(db);
  return formVersions.publish(db, version);
}

/** These form versions' definitions, newest version first. */
export function findFormDefinitionsNewestFirst(db: DB, versions: number[]) {
  return db
    .selectFrom('forms')
    .select(['version', 'definition'])
    .where('version', 'in', versions)
    .orderBy('version', 'desc')
    .execute();
}
