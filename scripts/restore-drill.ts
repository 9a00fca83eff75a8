// Restore drill: `npm run restore:drill [-- --dump file.dump] [--keep] [--sample 200]`.
// Without --dump it takes a backup itself, inside a snapshot it also counts from, so the comparison
// is exact on a live database. Then: restore into a fresh database (<name>_drill_<time>), compare
// each table's row count and checksum with the source, open a sample of sealed fields with this
// configuration's keyring (FIELD_ENCRYPTION_KEYS), print the times, drop the copy (unless --keep).
// Exit 1 when anything differs or does not open. With --dump the source is the live database, so
// rows written since that dump show as differences.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb, dropDatabase, ensureDatabase } from '../db/connect.ts';
import { sampleSealedColumns } from '../db/repositories/sealed-sample.ts';
import { openAnswers, openComment, openMobile, openReasons, withFieldKeys } from '../db/sealed-fields.ts';
import { runScript } from '../platform/bootstrap.ts';
import type { FieldKeyring } from '../security/field-crypto.ts';
import { backupDatabase, runPgTool } from './backup.ts';

export interface TableSum {
  rows: number;
  checksum: string;
}

type Queryable = Pick<pg.Client, 'query'>;

/** Row count and an order-independent checksum (sum of 60-bit md5 prefixes of each row's text). */
export async function tableSums(q: Queryable): Promise<Map<string, TableSum>> {
  const tables = await q.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out = new Map<string, TableSum>();
  for (const { name } of tables.rows) {
    const ident = `"${name.replace(/"/g, '""')}"`;
    const r = await q.query<{ n: string; s: string }>(
      `select count(*)::text as n,
              coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint::numeric), 0)::text as s
         from ${ident} t`,
    );
    out.set(name, { rows: Number(r.rows[0]?.n ?? 0), checksum: r.rows[0]?.s ?? '0' });
  }
  return out;
}

export function compareSums(source: Map<string, TableSum>, restored: Map<string, TableSum>): string[] {
  const bad: string[] = [];
  for (const [t, s] of source) {
    const r = restored.get(t);
    if (!r) bad.push(`${t}: missing in the restore`);
    else if (r.rows !== s.rows) bad.push(`${t}: ${s.rows} rows, restored ${r.rows}`);
    else if (r.checksum !== s.checksum) bad.push(`${t}: checksum differs`);
  }
  for (const t of restored.keys()) if (!source.has(t)) bad.push(`${t}: only in the restore`);
  return bad;
}

/** Opens up to `sample` sealed values per column of the restored database with the keyring. */
async function openSealedSample(url: string, keyring: FieldKeyring, sample: number) {
  const db = withFieldKeys(createDb(url, 2), keyring);
  const opened = { answers: 0, reasons: 0, mobile: 0, comment: 0 };
  const failed: string[] = [];
  const attempt = (what: keyof typeof opened, id: number, fn: () => unknown) => {
    try {
      fn();
      opened[what]++;
    } catch (err) {
      failed.push(`${what} of row ${id}: ${(err as Error).message}`);
    }
  };
  try {
    const { records, employees, reviews } = await sampleSealedColumns(db, sample);
    for (const r of records) {
      attempt('answers', r.id, () => openAnswers(r.answers_ct, keyring));
      attempt('reasons', r.id, () => openReasons(r.reasons_ct, keyring));
    }
    for (const e of employees) attempt('mobile', e.id, () => openMobile(e.mobile_ct, keyring));
    for (const r of reviews) attempt('comment', r.id, () => openComment(r.comment_ct, keyring));
  } finally {
    await db.destroy();
  }
  return { opened, failed };
}

export interface DrillResult {
  ok: boolean;
  dump: string;
  dumpMegabytes: number;
  seconds: { backup: number | null; restore: number; compare: number; sealed: number; total: number };
  tables: number;
  rows: number;
  differences: string[];
  sealed: { opened: { answers: number; reasons: number; mobile: number; comment: number }; failed: string[] };
}

export async function restoreDrill(opts: {
  databaseUrl: string;
  keyring: FieldKeyring;
  dump?: string;
  keep?: boolean;
  sample?: number;
  jobs?: number;
}): Promise<DrillResult> {
  const t0 = performance.now();
  const secs = (from: number) => +((performance.now() - from) / 1000).toFixed(2);
  const source = new pg.Client({ connectionString: opts.databaseUrl });
  await source.connect();
  let dump = opts.dump;
  let tmp: string | undefined;
  let backupSeconds: number | null = null;
  let sums: Map<string, TableSum>;
  let bytes = 0;
  try {
    if (dump) sums = await tableSums(source);
    else {
      // one snapshot for the dump and the counts: exact on a live database
      await source.query('begin isolation level repeatable read read only');
      const snap = await source.query<{ id: string }>('select pg_export_snapshot() as id');
      tmp = mkdtempSync(join(tmpdir(), 'hc-drill-'));
      const b = await backupDatabase(opts.databaseUrl, join(tmp, 'drill.dump'), {
        snapshot: snap.rows[0]?.id,
      });
      dump = b.file;
      bytes = b.bytes;
      backupSeconds = +b.seconds.toFixed(2);
      sums = await tableSums(source);
      await source.query('commit');
    }
  } finally {
    await source.end();
  }
  if (!bytes) bytes = (await import('node:fs')).statSync(dump).size;

  const target = new URL(opts.databaseUrl);
  const dbName = `${target.pathname.slice(1)}_drill_${Date.now()}`;
  target.pathname = `/${dbName}`;
  const targetUrl = target.toString();
  try {
    const tRestore = performance.now();
    await ensureDatabase(targetUrl);
    await runPgTool('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      `--jobs=${opts.jobs ?? 2}`,
      `--dbname=${targetUrl}`,
      dump,
    ]);
    const restoreSeconds = secs(tRestore);

    const tCompare = performance.now();
    const restored = new pg.Client({ connectionString: targetUrl });
    await restored.connect();
    let differences: string[];
    try {
      differences = compareSums(sums, await tableSums(restored));
    } finally {
      await restored.end();
    }
    const compareSeconds = secs(tCompare);

    const tSealed = performance.now();
    const sealed = await openSealedSample(targetUrl, opts.keyring, opts.sample ?? 200);
    const sealedSeconds = secs(tSealed);
    return {
      ok: differences.length === 0 && sealed.failed.length === 0,
      dump: opts.dump ?? '(taken by the drill, removed)',
      dumpMegabytes: +(bytes / 1e6).toFixed(2),
      seconds: {
        backup: backupSeconds,
        restore: restoreSeconds,
        compare: compareSeconds,
        sealed: sealedSeconds,
        total: secs(t0),
      },
      tables: sums.size,
      rows: [...sums.values()].reduce((n, s) => n + s.rows, 0),
      differences,
      sealed,
    };
  } finally {
    if (!opts.keep) await dropDatabase(targetUrl);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

const main = () =>
  runScript('restore-drill', async ({ config, keyring }) => {
    const { values } = parseArgs({
      options: {
        dump: { type: 'string' },
        keep: { type: 'boolean', default: false },
        sample: { type: 'string', default: '200' },
        jobs: { type: 'string', default: '2' },
      },
    });
    const r = await restoreDrill({
      databaseUrl: config.databaseUrl,
      keyring,
      dump: values.dump,
      keep: values.keep,
      sample: Number(values.sample),
      jobs: Number(values.jobs),
    });
    console.log(JSON.stringify(r, null, 2));
    return r.ok ? 0 : 1;
  });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
