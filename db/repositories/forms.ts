// Form versions: drafts, the one published form, and old versions kept for old records.
import { sql } from 'kysely';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
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

export function updateDraft(db: DB, version: number, definition: FormDefinition, note: string | null) {
  return db
    .updateTable('forms')
    .set({ definition: JSON.stringify(definition), note })
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

/** Retires the published form and publishes the draft, atomically; undefined if not a draft. */
export async function publishDraft(db: DB, version: number) {
  await getPublishedForm(db);
  return db.transaction().execute(async (trx) => {
    const draft = await trx
      .selectFrom('forms')
      .select('version')
      .where('version', '=', version)
      .where('status', '=', 'draft')
      .forUpdate()
      .executeTakeFirst();
    if (!draft) return undefined;
    await trx.updateTable('forms').set({ status: 'retired' }).where('status', '=', 'published').execute();
    return trx
      .updateTable('forms')
      .set({ status: 'published', published_at: sql`now()` })
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
