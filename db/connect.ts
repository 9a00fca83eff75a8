// Connection pool, database bootstrap and migrations.
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_forms_reviews.ts';
import * as m0003 from './migrations/0003_reminder_delivery_states.ts';
import * as m0004 from './migrations/0004_calendar_leave_policy.ts';
import * as m0005 from './migrations/0005_exports.ts';
import * as m0006 from './migrations/0006_security.ts';
import * as m0007 from './migrations/0007_field_encryption.ts';
import * as m0008 from './migrations/0008_checkin_page.ts';
import * as m0010 from './migrations/0010_attachment_keys.ts';
import * as m0011 from './migrations/0011_stats_skip_noops.ts';
import * as m0012 from './migrations/0012_security_hardening.ts';
import * as m0009 from './migrations/0009_dashboard_stats.ts';
import * as m0013 from './migrations/0013_reliability_receipts_and_request_hash.ts';
import * as m0014 from './migrations/0014_privacy_notice_consent.ts';
import * as m0015 from './migrations/0015_data_rights_retention.ts';

// Dates stay 'YYYY-MM-DD' strings (a work date has no time zone); bigint ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_forms_reviews': m0002,
  '0003_reminder_delivery_states': m0003,
  '0004_calendar_leave_policy': m0004,
  '0005_exports': m0005,
  '0006_security': m0006,
  '0007_field_encryption': m0007,
  '0008_checkin_page': m0008,
  '0009_dashboard_stats': m0009,
  '0010_attachment_keys': m0010,
  '0011_stats_skip_noops': m0011,
  '0012_security_hardening': m0012,
  '0013_reliability_receipts_and_request_hash': m0013,
  '0014_privacy_notice_consent': m0014,
  '0015_data_rights_retention': m0015,
};
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export type DB = Kysely<Database>;

export function createDb(
  databaseUrl: string,
  max = 10,
  onIdleError: (err: Error) => void = (err) =>
    console.error(`postgres: idle connection lost: ${err.message}`),
): DB {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle connection the server drops (restart, failover) must not crash the process: the pool
  // replaces it on the next checkout.
  pool.on('error', onIdleError);
  // The same for a connection lost while checked out between two queries: without a listener its
  // 'error' event is uncaught and ends the process; the query in flight still gets its own error.
  pool.on('connect', (client) => client.on('error', onIdleError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Creates the database named in the URL when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string, template?: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
    }
  } catch (err) {
    // Two processes racing to create it is fine.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

export async function migrateToLatest(db: DB): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
