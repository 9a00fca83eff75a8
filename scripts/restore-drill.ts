// Restore drill: `npm run restore:drill [-- --dump file.dump] [--keep] [--sample 200] [--jobs 2]
// [--dump-jobs 1]`. Without --dump it takes a backup itself (--dump-jobs > 1: a parallel dump in
// the directory format), inside a snapshot it also counts from, so the comparison is exact on a
// live database; those source checksums run while pg_dump reads, over --jobs connections. Then: restore into a fresh database (<name>_drill_<time>), compare
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
import { backupDatabase, runPgTool, sizeOf } from './backup.ts';

export interface TableSum {
  rows: number;
  checksum: string;
}

type Queryable = Pick<pg.Client, 'query'>;

/** Row count and an order-independent checksum (sum of 60-bit md5 prefixes of each row's text). */
export async function tableSum(q: Queryable, name: string): Promise<TableSum> {
  const ident = `"${name.replace(/"/g, '""')}"`;
  const r = await q.query<{ n: string; s: string }>(
    `select count(*)::text as n,
            coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint::numeric), 0)::text as s
       from ${ident} t`,
  );
  return { rows: Number(r.rows[0]?.n ?? 0), checksum: r.rows[0]?.s ?? '0' };
}

/**
 * Every table's sum, the largest first, spread over the given connections (each reads what its
 * transaction sees: give them the same snapshot to count a live database exactly).
 */
export async function tableSums(...clients: Queryable[]): Promise<Map<string, TableSum>> {
  const first = clients[0];
  if (!first) throw new Error('tableSums needs a connection');
  const tables = await first.query<{ name: string }>(
    `select t.table_name as name from information_schema.tables t
       left join pg_class c on c.oid = format('%I.%I', t.table_schema, t.table_name)::regclass
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by pg_total_relation_size(c.oid) desc, 1`,
  );
  const queue = tables.rows.map((t) => t.name);
  const found = new Map<string, TableSum>();
  await Promise.all(
    clients.map(async (q) => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        found.set(name, await tableSum(q, name));
      }
    }),
  );
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `n` connections to `url`; with `snapshot`, each in a repeatable-read transaction seeing it. */
async function connections(url: string, n: number, snapshot?: string): Promise<pg.Client[]> {
  const out: pg.Client[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const c = new pg.Client({ connectionString: url });
      out.push(c);
      await c.connect();
      if (snapshot) {
        await c.query('begin isolation level repeatable read read only');
        await c.query(`set transaction snapshot '${snapshot.replace(/'/g, "''")}'`);
      }
    }
    return out;
  } catch (err) {
    await Promise.all(out.map((c) => c.end().catch(() => {})));
    throw err;
  }
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
  /** backup: pg_dump (the source's checksums run beside it); compare: the restored copy's checksums */
  seconds: { backup: number | null; restore: number; compare: number; sealed: number; total: number };
  tables: number;
  rows: number;
  rowsByTable: Record<string, number>;
  differences: string[];
  sealed: { opened: { answers: number; reasons: number; mobile: number; comment: number }; failed: string[] };
}

export async function restoreDrill(opts: {
  databaseUrl: string;
  keyring: FieldKeyring;
  dump?: string;
  keep?: boolean;
  sample?: number;
  /** pg_restore --jobs, and the connections counting each side (default 2) */
  jobs?: number;
  /** pg_dump --jobs: > 1 dumps in parallel, in the directory format (default 1: custom format) */
  dumpJobs?: number;
  log?: (message: string) => void;
}): Promise<DrillResult> {
  const t0 = performance.now();
  const secs = (from: number) => +((performance.now() - from) / 1000).toFixed(2);
  const log = opts.log ?? (() => {});
  const jobs = Math.max(1, opts.jobs ?? 2);
  let dump = opts.dump;
  let tmp: string | undefined;
  let backupSeconds: number | null = null;
  let sums: Map<string, TableSum>;
  let bytes = 0;
  if (dump) {
    const source = await connections(opts.databaseUrl, jobs);
    try {
      sums = await tableSums(...source);
    } finally {
      await Promise.all(source.map((c) => c.end()));
    }
  } else {
    // One snapshot for the dump and the counts (exact on a live database). The source's checksums
    // run while pg_dump reads, in transactions that import the same snapshot.
    const holder = new pg.Client({ connectionString: opts.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin isolation level repeatable read read only');
      const snap = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
      const snapshot = snap.rows[0]?.id;
      tmp = mkdtempSync(join(tmpdir(), 'hc-drill-'));
      const source = await connections(opts.databaseUrl, jobs, snapshot);
      try {
        log('backup: pg_dump, and the source checksums beside it');
        const [b, s] = await Promise.all([
          backupDatabase(opts.databaseUrl, join(tmp, 'drill.dump'), { snapshot, jobs: opts.dumpJobs }),
          tableSums(...source),
        ]);
        dump = b.file;
        bytes = b.bytes;
        backupSeconds = +b.seconds.toFixed(2);
        sums = s;
      } finally {
        await Promise.all(source.map((c) => c.end()));
      }
      await holder.query('commit');
    } catch (err) {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      throw err;
    } finally {
      await holder.end();
    }
  }
  if (!bytes) bytes = sizeOf(dump);
  log(`dump ${(bytes / 1e6).toFixed(1)} MB${backupSeconds === null ? '' : ` in ${backupSeconds} s`}`);

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
      `--jobs=${jobs}`,
      `--dbname=${targetUrl}`,
      dump,
    ]);
    const restoreSeconds = secs(tRestore);
    log(`restored into ${dbName} in ${restoreSeconds} s`);

    const tCompare = performance.now();
    const restored = await connections(targetUrl, jobs);
    let differences: string[];
    try {
      differences = compareSums(sums, await tableSums(...restored));
    } finally {
      await Promise.all(restored.map((c) => c.end()));
    }
    const compareSeconds = secs(tCompare);
    log(`compared in ${compareSeconds} s: ${differences.length} differences`);

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
      rowsByTable: Object.fromEntries([...sums].map(([t, s]) => [t, s.rows])),
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
        'dump-jobs': { type: 'string', default: '1' },
      },
    });
    const r = await restoreDrill({
      databaseUrl: config.databaseUrl,
      keyring,
      dump: values.dump,
      keep: values.keep,
      sample: Number(values.sample),
      jobs: Number(values.jobs),
      dumpJobs: Number(values['dump-jobs']),
    });
    console.log(JSON.stringify(r, null, 2));
    return r.ok ? 0 : 1;
  });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
