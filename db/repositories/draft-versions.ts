// Draft → published → retired versioning, shared by the check-in form (`forms`) and the privacy
// notice (`privacy_notices`): a draft is edited in place until it is published; publishing retires
// the published version and publishes the draft in one transaction, and drops the process's read
// cache of the published version.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { DB } from '../connect.ts';
import type { Database } from '../database.ts';

type VersionedTable = 'forms' | 'privacy_notices';
/** The columns every versioned table has: all this module reads or writes itself. */
type Versioned = Pick<Database[VersionedTable], 'version' | 'status' | 'published_at'>;

/**
 * The draft/publish operations of one versioned table. `published` is the read cache of its
 * published version, dropped when a version is published.
 */
export function draftVersions<T extends VersionedTable>(table: T, published: { forget(db: DB): void }) {
  // kysely cannot narrow a query on a table named by a type parameter: the queries here are typed
  // against the shared columns, and the rows they return are the table's own.
  const on = (db: DB | Kysely<Database>) => db as unknown as Kysely<Record<VersionedTable, Versioned>>;
  const name: VersionedTable = table;
  type Row = Selectable<Database[T]>;

  return {
    /** Changes a draft; undefined if the version is not (or no longer) a draft. */
    async updateDraft(db: DB, version: number, values: Updateable<Database[T]>): Promise<Row | undefined> {
      const row = await on(db)
        .updateTable(name)
        .set(values as Updateable<Versioned>)
        .where('version', '=', version)
        .where('status', '=', 'draft')
        .returningAll()
        .executeTakeFirst();
      return row as Row | undefined;
    },

    /** Retires the published version and publishes the draft, atomically; undefined if not a draft. */
    async publish(db: DB, version: number): Promise<Row | undefined> {
      published.forget(db);
      const row = await db.transaction().execute(async (trx) => {
        const draft = await on(trx)
          .selectFrom(name)
          .select('version')
          .where('version', '=', version)
          .where('status', '=', 'draft')
          .forUpdate()
          .executeTakeFirst();
        if (!draft) return undefined;
        await on(trx)
          .updateTable(name)
          .set({ status: 'retired' })
          .where('status', '=', 'published')
          .execute();
        return on(trx)
          .updateTable(name)
          .set({ status: 'published', published_at: sql`now()` })
          .where('version', '=', version)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      // again after commit: a read while the transaction ran may have kept the old version
      published.forget(db);
      return row as Row | undefined;
    },
  };
}
