// Cold backup of the application database: `npm run backup [-- --out file.dump] [--jobs N]` runs
// pg_dump in its custom format (compressed, restorable table by table, in parallel) from
// DATABASE_URL; with --jobs > 1 the directory format, dumped by N connections in parallel.
// Temporal's own databases are not included (docs/operations.md says what they need). The dump
// holds sealed fields as ciphertext: keep FIELD_ENCRYPTION_KEYS as long as the dump is kept.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runScript } from '../platform/bootstrap.ts';

/** Runs a pg_* client tool; rejects with its stderr when it fails. */
export function runPgTool(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${tool} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/**
 * pg_dump --format=custom of the database at `databaseUrl` into `file`; with `snapshot` (from
 * pg_export_snapshot()) the dump sees exactly what that transaction sees. With `jobs` > 1 it dumps
 * in parallel, tables over `jobs` connections, in the directory format (`file` is then a directory,
 * restored by pg_restore the same way).
 */
export async function backupDatabase(
  databaseUrl: string,
  file: string,
  opts: { snapshot?: string; jobs?: number } = {},
): Promise<{ file: string; bytes: number; seconds: number }> {
  mkdirSync(dirname(file), { recursive: true });
  const parallel = (opts.jobs ?? 1) > 1;
  const started = performance.now();
  await runPgTool('pg_dump', [
    parallel ? `--format=directory` : '--format=custom',
    ...(parallel ? [`--jobs=${opts.jobs}`] : []),
    '--compress=6',
    '--no-owner',
    '--no-privileges',
    ...(opts.snapshot ? [`--snapshot=${opts.snapshot}`] : []),
    `--file=${file}`,
    `--dbname=${databaseUrl}`,
  ]);
  return { file, bytes: sizeOf(file), seconds: (performance.now() - started) / 1000 };
}

/** Bytes of a dump: the file, or every file of a directory-format dump. */
export function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

export const defaultBackupFile = (now = new Date(), directory = false) =>
  `backups/health_checkin-${now.toISOString().replace(/[:.]/g, '-')}${directory ? '' : '.dump'}`;

const main = () =>
  runScript('backup', async ({ config }) => {
    const { values } = parseArgs({
      options: { out: { type: 'string' }, jobs: { type: 'string', default: '1' } },
    });
    const jobs = Number(values.jobs);
    const r = await backupDatabase(
      config.databaseUrl,
      values.out ?? defaultBackupFile(new Date(), jobs > 1),
      {
        jobs,
      },
    );
    console.log(
      JSON.stringify({
        backup: r.file,
        megabytes: +(r.bytes / 1e6).toFixed(1),
        seconds: +r.seconds.toFixed(1),
      }),
    );
  });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
