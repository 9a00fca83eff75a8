// One start-up for every process (API, worker, `npm start`, the npm scripts): builds config, logger,
// field keyring, database, Temporal connection and DingTalk client in that order, and hands back a
// Lifecycle that closes them in reverse on SIGTERM/SIGINT, a crash, or (scripts) the end of the work.
import type { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../config/config.ts';
import { createLogger, type Logger } from '../config/logger.ts';
import { createDb, ensureDatabase, type DB } from '../db/connect.ts';
import type { DingTalkClient } from '../dingtalk/client.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { createDingTalk } from './dingtalk.ts';
import { Lifecycle } from './lifecycle.ts';
import { connectTemporal } from './temporal.ts';
import { setupTracing } from './tracing.ts';

/** What every process has before it opens anything. */
export interface ProcessBase {
  config: AppConfig;
  logger: Logger;
  keyring: FieldKeyring;
  lifecycle: Lifecycle;
}

export interface AppServices extends ProcessBase {
  db: DB;
  temporal: Client;
  connection: Connection;
  /** host:port of the Temporal frontend (the worker opens its own native connection to it) */
  temporalAddress: string;
  dingtalk: DingTalkClient;
}

export interface BootstrapOptions {
  /** logger name: 'api', 'worker', … */
  name?: string;
  /** before the database is opened (npm start: create it, start a Temporal dev server) */
  beforeConnect?: (config: AppConfig, logger: Logger, lifecycle: Lifecycle) => Promise<string | void>;
}

function startProcess(name: string | undefined, toStderr = false): ProcessBase {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, name, toStderr);
  const lifecycle = new Lifecycle(logger, config.shutdownGraceMs).install();
  // before any client is built: the Temporal client and DingTalk client add their spans only when on
  const stopTracing = setupTracing(config.tracing, `health-checkin-${name ?? 'all'}`, undefined, (err) =>
    logger.warn({ err }, 'the last spans were not exported'),
  );
  // registered first, so it runs last: spans of the drain itself are flushed too
  if (stopTracing) lifecycle.onStop('tracing', stopTracing);
  const keyring = new FieldKeyring(config.fieldEncryption);
  return { config, logger, keyring, lifecycle };
}

/** Repositories seal and open with the keyring this handle carries (no process-wide keyring). */
function openDatabase(p: ProcessBase, poolSize?: number): DB {
  const db = withFieldKeys(createDb(p.config.databaseUrl, poolSize ?? p.config.databasePoolSize), p.keyring);
  p.lifecycle.onStop('database', () => db.destroy());
  return db;
}

async function openTemporal(p: ProcessBase, address: string) {
  const t = await connectTemporal(address, p.config.temporal.namespace, p.keyring, p.config.temporal.tls);
  p.lifecycle.onStop('temporal connection', () => t.connection.close());
  return t;
}

const defaultTemporalAddress = (config: AppConfig) =>
  config.temporal.address || `127.0.0.1:${config.temporal.devPort}`;

export async function bootstrap(opts: BootstrapOptions = {}): Promise<AppServices> {
  const base = startProcess(opts.name);
  const { config, logger, lifecycle } = base;
  const started = await opts.beforeConnect?.(config, logger, lifecycle);
  const temporalAddress = started || defaultTemporalAddress(config);
  const db = openDatabase(base);
  const { client, connection } = await openTemporal(base, temporalAddress);
  const dingtalk = createDingTalk(config, logger);
  return { ...base, db, temporal: client, connection, temporalAddress, dingtalk };
}

/** Entry points end here: a start-up failure is logged and exits 1 (after closing what opened). */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/** A mistake in how a script was called: printed as its message alone, exit 1. */
export class UsageError extends Error {}

export interface ScriptServices extends ProcessBase {
  /** Opens the database (created first with `ensure`); closed when the script ends. */
  openDb: (opts?: { poolSize?: number; ensure?: boolean }) => Promise<DB>;
  /** Connects to Temporal (TEMPORAL_ADDRESS, else the local dev server); closed when the script ends. */
  openTemporal: () => Promise<{ client: Client; connection: Connection }>;
}

/**
 * One-shot scripts (`npm run seed`, `migrate`, `backup`, …): the same start-up as the long-running
 * processes, opening only what the script asks for, and the same shutdown when it ends: everything
 * it opened is closed in reverse, then the process exits with the code the script returns (0 when
 * it returns nothing, 1 when it throws). Logs go to stderr; stdout is the script's output.
 */
export function runScript(name: string, script: (s: ScriptServices) => Promise<number | void>): void {
  let base: ProcessBase;
  try {
    base = startProcess(name, true);
  } catch (err) {
    // configuration refused before there is anything to close
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  const p = base;
  const services: ScriptServices = {
    ...p,
    openDb: async (opts = {}) => {
      if (opts.ensure) await ensureDatabase(p.config.databaseUrl);
      return openDatabase(p, opts.poolSize);
    },
    openTemporal: () => openTemporal(p, defaultTemporalAddress(p.config)),
  };
  script(services).then(
    (code) => void p.lifecycle.shutdown('done', code ?? 0),
    (err: unknown) => {
      if (err instanceof UsageError) console.error(err.message);
      else p.logger.error({ err }, `${name} failed`);
      void p.lifecycle.shutdown('failed', 1);
    },
  );
}
