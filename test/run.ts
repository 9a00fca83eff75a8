// `npm test`: one Temporal dev server on a free port (SQLite, WAL), a migrated template database,
// a pre-built workflow bundle, then node's test runner over every *.test.ts; everything torn down after.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import pg from 'pg';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { writeWorkflowBundle } from '../worker/workflow-bundle.ts';
import { ensureTemporalCli, freePort, startTemporalDevServer } from '../scripts/temporal-cli.ts';
import { namespaceFor } from './helpers/test-env.ts';

const root = resolve(import.meta.dirname, '..');
const pgBase = 'postgres://postgres@127.0.0.1:5432';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return findTests(p);
    return f.endsWith('.test.ts') ? [p] : [];
  });
}

async function dropRunDatabases(prefix: string) {
  const c = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await c.connect();
  const { rows } = await c.query<{ datname: string }>(
    'select datname from pg_database where datname like $1',
    [`${prefix}%`],
  );
  await c.end();
  for (const r of rows) await dropDatabase(`${pgBase}/${r.datname}`);
}

async function main() {
  const filter = process.argv.slice(2);
  const files = findTests(join(root, 'test'))
    .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
    .sort();
  const runId = `hc_test_${Date.now().toString(36)}`;
  const tmp = mkdtempSync(join(tmpdir(), 'hc-test-'));

  // The admin UI bundle, served by the API under /admin (the browser test opens it).
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'admin-ui'),
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('admin UI build failed');

  const cli = ensureTemporalCli(undefined, (m) => console.log(m));
  const port = await freePort();
  const server = await startTemporalDevServer({
    cli,
    port,
    dbFile: join(tmp, 'temporal.db'),
    fastSync: true,
    namespaces: files.map((f) => namespaceFor(relative(root, f))),
  });
  console.log(`temporal dev server on ${server.address}; ${files.length} test files`);

  const template = `${runId}_tpl`;
  await ensureDatabase(`${pgBase}/${template}`);
  const tdb = createDb(`${pgBase}/${template}`, 1);
  await migrateToLatest(tdb);
  await tdb.destroy();

  const bundlePath = join(tmp, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);

  const env = {
    ...process.env,
    TEST_TEMPORAL_ADDRESS: server.address,
    TEST_PG_BASE: pgBase,
    TEST_DB_PREFIX: runId,
    TEST_DB_TEMPLATE: template,
    TEST_WORKFLOW_BUNDLE: bundlePath,
    TEST_ROOT: root,
  };
  const code: number = await new Promise((res) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-reporter=spec', ...files],
      { stdio: 'inherit', env, cwd: root },
    );
    child.on('exit', (c) => res(c ?? 1));
  });

  await server.stop();
  await dropRunDatabases(runId);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
