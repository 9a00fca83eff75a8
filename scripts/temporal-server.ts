// A production Temporal server for a large company (or a benchmark): temporal-server v1.29.1 built
// from source into .bin/, persisting in Postgres in its own two databases with several history
// shards. `npm run temporal:server [-- --port 7433 --shards 16 --shard-io 2 --fresh]` builds it once, creates and
// migrates the databases, writes data/temporal-server/config/production.yaml, starts it, registers
// the namespace and the search attributes, and runs until Ctrl-C. Point the API and the workers at
// it with TEMPORAL_ADDRESS=127.0.0.1:<port>.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protoPkg from '@temporalio/proto';
import Long from 'long';
import { Connection } from '@temporalio/client';
import { binDir, findGo, goInstall, portOpen, serverStarted } from './temporal-cli.ts';
import { ensureSearchAttributes } from '../platform/temporal.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
const serverBin = join(binDir, 'server');
const sqlBin = join(binDir, 'sql');

/** Builds `server` and the `sql` schema tool from the module source, once. */
export function ensureTemporalServerBinaries(log: (msg: string) => void = console.error) {
  if (!existsSync(serverBin) || !existsSync(sqlBin)) {
    goInstall(
      [
        `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
        `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      ],
      `Temporal server ${TEMPORAL_SERVER_VERSION}`,
      log,
    );
  }
  return { server: serverBin, sql: sqlBin };
}

/** The module's source in the Go module cache (its schema files live there). */
function moduleDir(): string {
  const go = findGo();
  if (!go) throw new Error('Go is needed to locate the Temporal server schema');
  const r = spawnSync(go, ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], {
    encoding: 'utf8',
    cwd: binDir,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const dir = r.status === 0 ? (JSON.parse(r.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new Error(`go mod download ${MODULE}@${TEMPORAL_SERVER_VERSION} failed: ${r.stderr}`);
  return dir;
}

export interface ProductionServerOptions {
  /** frontend gRPC port; the other services take the next ports (port+1…port+4, port+100…port+103 below 32768) */
  port?: number;
  /** fixed for the life of the cluster's databases: choose it before the first start (default 16;
   * an existing cluster keeps the count its config was written with) */
  shards?: number;
  /** a history shard's persistence calls in flight (dynamic config, changeable; default 2) */
  shardIOConcurrency?: number;
  /**
   * share of each store's connections kept open while idle (default 1: all of them). Go's
   * database/sql closes a connection handed back to a full idle pool, and the next query opens a
   * new Postgres backend (a fork and a cold catalog cache): with a quarter kept, a 100k fan-out
   * opened ~18 backends/s (benchmarks compare with 0.25)
   */
  idleShare?: number;
  /** Postgres holding the two databases (user with CREATE DATABASE; trust auth or password) */
  pg?: { host: string; port: number; user: string; password?: string };
  /** database name prefix: <prefix> and <prefix>_visibility */
  database?: string;
  namespace?: string;
  /** drop and recreate both databases first (benchmarks) */
  fresh?: boolean;
  dataDir?: string;
  log?: (msg: string) => void;
}

export interface ProductionServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function sqlTool(
  sql: string,
  pg: Required<ProductionServerOptions>['pg'],
  database: string,
  args: string[],
  quiet = false,
) {
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user];
  if (pg.password) base.push('--pw', pg.password);
  const r = spawnSync(sql, [...base, '--db', database, ...(quiet ? ['-q'] : []), ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`temporal sql ${args.join(' ')} on ${database}: ${r.stderr || r.stdout}`);
}

/** Creates (or with `fresh`, recreates) both databases and brings their schema to this version. */
function prepareDatabases(
  sql: string,
  pg: Required<ProductionServerOptions>['pg'],
  database: string,
  fresh: boolean,
) {
  const schemaRoot = join(moduleDir(), 'schema', 'postgresql', 'v12');
  for (const [db, schema] of [
    [database, 'temporal'],
    [`${database}_visibility`, 'visibility'],
  ] as const) {
    if (fresh) sqlTool(sql, pg, db, ['drop-database', '--force'], true);
    sqlTool(sql, pg, db, ['create-database'], true); // exists already: fine
    // version 0.0 creates the schema_version table on a new database and is a no-op otherwise
    sqlTool(sql, pg, db, ['setup-schema', '-v', '0.0'], true);
    sqlTool(sql, pg, db, ['update-schema', '-d', join(schemaRoot, schema, 'versioned')]);
  }
}

function configYaml(o: {
  port: number;
  shards: number;
  pg: Required<ProductionServerOptions>['pg'];
  database: string;
  logFile: string;
  dynamicConfig: string;
  idleShare: number;
}) {
  const store = (db: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "${o.pg.host}:${o.pg.port}"
        connectProtocol: "tcp"
        user: "${o.pg.user}"
        password: "${o.pg.password ?? ''}"
        maxConns: ${maxConns}
        maxIdleConns: ${Math.ceil(maxConns * o.idleShare)}
        maxConnLifetime: "1h"`;
  const svc = (name: string, grpc: number, membership: number, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  const p = o.port;
  // Membership ports are stored in a smallint column: keep them below 32768.
  const m = p + 100 <= 32_760 ? p + 100 : 20_000 + (p % 10_000);
  return `# Written by scripts/temporal-server.ts (development-postgres12.yaml of the module, tuned).
log:
  stdout: false
  level: warn
  outputFile: "${o.logFile}"
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${o.shards}
  datastores:
    default:
${store(o.database, 24)}
    visibility:
${store(`${o.database}_visibility`, 6)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
${svc('frontend', p, m, `\n      httpPort: ${p + 4}`)}
${svc('history', p + 1, m + 1)}
${svc('matching', p + 2, m + 2)}
${svc('worker', p + 3, m + 3)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${p}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${o.dynamicConfig}"
  pollInterval: "60s"
`;
}

// Search attributes usable as soon as they are added (as on the dev server); workflow updates on.
// history.shardIOConcurrency: a shard's persistence calls run this many at a time (the server's
// default, 1, serializes every write of a shard: with 4 shards on Postgres that bounded the fan-out
// at ~42 starts/s, each start being several shard writes).
const dynamicConfig = (o: { shardIOConcurrency: number }) => `history.shardIOConcurrency:
  - value: ${o.shardIOConcurrency}
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableExecuteMultiOperation:
  - value: true
limit.maxIDLength:
  - value: 255
`;

async function ensureNamespace(address: string, namespace: string, log: (msg: string) => void) {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    const svc = connection.workflowService;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await svc.describeNamespace({ namespace });
        break;
      } catch {
        try {
          await svc.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(3 * 24 * 3600) },
          });
          log(`namespace ${namespace} registered`);
        } catch (err) {
          const code = (err as { code?: number }).code;
          // 6 ALREADY_EXISTS: registered, not yet in the frontend's cache
          if (code !== 6 && Date.now() > deadline) throw err;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // A new namespace reaches every service's cache within ~10 s; adding attributes waits for it.
    for (;;) {
      try {
        await ensureSearchAttributes(connection, namespace);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

/** History shards of a new cluster: enough parallel writers for 100k days on one Postgres. */
export const DEFAULT_SHARDS = 16;

/** The shard count an existing cluster was configured with (it cannot change): from its last config. */
function previousShards(dataDir: string): number | undefined {
  const file = join(dataDir, 'config', 'production.yaml');
  if (!existsSync(file)) return undefined;
  const m = /numHistoryShards:\s*(\d+)/.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

export async function startTemporalProductionServer(
  o: ProductionServerOptions = {},
): Promise<ProductionServer> {
  const log = o.log ?? console.error;
  const port = o.port ?? 7433;
  const pg = o.pg ?? { host: '127.0.0.1', port: 5432, user: 'postgres' };
  const database = o.database ?? 'hc_temporal';
  const namespace = o.namespace ?? 'default';
  const dataDir = resolve(o.dataDir ?? join(root, 'data', 'temporal-server'));
  const shards = o.shards ?? (o.fresh ? undefined : previousShards(dataDir)) ?? DEFAULT_SHARDS;
  const idleShare = o.idleShare ?? 1;
  if (!(idleShare > 0 && idleShare <= 1)) throw new Error(`idleShare ${idleShare}: a share in (0, 1]`);
  const { server, sql } = ensureTemporalServerBinaries(log);
  if (await portOpen(port)) throw new Error(`port ${port} is taken: is a Temporal server running already?`);
  prepareDatabases(sql, pg, database, o.fresh ?? false);
  mkdirSync(join(dataDir, 'config'), { recursive: true });
  const logFile = join(dataDir, 'server.log');
  writeFileSync(
    join(dataDir, 'config', 'production.yaml'),
    configYaml({
      port,
      shards,
      pg,
      database,
      logFile,
      dynamicConfig: join(dataDir, 'config', 'dynamicconfig.yaml'),
      idleShare,
    }),
  );
  writeFileSync(
    join(dataDir, 'config', 'dynamicconfig.yaml'),
    dynamicConfig({ shardIOConcurrency: o.shardIOConcurrency ?? 2 }),
  );
  const out = openSync(join(dataDir, 'stderr.log'), 'a');
  const child = spawn(
    server,
    ['--root', dataDir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'],
    {
      stdio: ['ignore', out, out],
    },
  );
  const stop = await serverStarted(child, port, {
    name: 'temporal server',
    withinMs: 120_000,
    pollMs: 500,
    killAfterMs: 10_000,
    logHint: `; see ${dataDir}/stderr.log`,
  });
  const address = `127.0.0.1:${port}`;
  await ensureNamespace(address, namespace, log);
  return { address, process: child, stop };
}

/** Drops both databases of a stopped server (benchmarks clean up after themselves). */
export function dropTemporalDatabases(o: Pick<ProductionServerOptions, 'pg' | 'database'> = {}) {
  const pg = o.pg ?? { host: '127.0.0.1', port: 5432, user: 'postgres' };
  const database = o.database ?? 'hc_temporal';
  const { sql } = ensureTemporalServerBinaries();
  for (const db of [database, `${database}_visibility`])
    sqlTool(sql, pg, db, ['drop-database', '--force'], true);
}

/** Is the server answering health checks (`temporal operator cluster health`)? */
export async function serverServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  try {
    const r = await connection.healthService.check({});
    return r.status === protoPkg.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  startTemporalProductionServer({
    port: opt('port') ? Number(opt('port')) : undefined,
    shards: opt('shards') ? Number(opt('shards')) : undefined,
    shardIOConcurrency: opt('shard-io') ? Number(opt('shard-io')) : undefined,
    database: opt('database'),
    fresh: args.includes('--fresh'),
  })
    .then(async (s) => {
      console.log(
        `Temporal server ${TEMPORAL_SERVER_VERSION} on ${s.address} (serving: ${await serverServing(s.address)})`,
      );
      console.log(`Run the API and workers with TEMPORAL_ADDRESS=${s.address}. Ctrl-C stops it.`);
      const stop = () => void s.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      s.process.once('exit', (code) => process.exit(code ?? 1));
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
