// One start-up for every process (API, worker, `npm start`): builds config, logger, field keyring,
// database, Temporal connection and DingTalk client in that order, and hands back a Lifecycle
// that closes them in reverse on SIGTERM/SIGINT or a crash.
import type { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../config/config.ts';
import { createLogger, type Logger } from '../config/logger.ts';
import { createDb, type DB } from '../db/connect.ts';
import type { DingTalkClient } from '../dingtalk/client.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { createDingTalk } from './dingtalk.ts';
import { Lifecycle } from './lifecycle.ts';
import { connectTemporal } from './temporal.ts';
import { setupTracing } from './tracing.ts';

export interface AppServices {
  config: AppConfig;
  logger: Logger;
  keyring: FieldKeyring;
  db: DB;
  temporal: Client;
  connection: Connection;
  /** host:port of the Temporal frontend (the worker opens its own native connection to it) */
  temporalAddress: string;
  dingtalk: DingTalkClient;
  lifecycle: Lifecycle;
}

export interface BootstrapOptions {
  /** logger name: 'api', 'worker', … */
  name?: string;
  /** before the database is opened (npm start: create it, start a Temporal dev server) */
  beforeConnect?: (config: AppConfig, logger: Logger, lifecycle: Lifecycle) => Promise<string | void>;
}

export async function bootstrap(opts: BootstrapOptions = {}): Promise<AppServices> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, opts.name);
  const lifecycle = new Lifecycle(logger, config.shutdownGraceMs).install();
  // before any client is built: the Temporal client and DingTalk client add their spans only when on
  const stopTracing = setupTracing(config.tracing, `health-checkin-${opts.name ?? 'all'}`, undefined, (err) =>
    logger.warn({ err }, 'the last spans were not exported'),
  );
  // registered first, so it runs last: spans of the drain itself are flushed too
  if (stopTracing) lifecycle.onStop('tracing', stopTracing);
  const keyring = new FieldKeyring(config.fieldEncryption);
  const started = await opts.beforeConnect?.(config, logger, lifecycle);
  const temporalAddress = started || config.temporal.address || `127.0.0.1:${config.temporal.devPort}`;
  // Repositories seal and open with the keyring this handle carries (no process-wide keyring).
  const db = withFieldKeys(createDb(config.databaseUrl), keyring);
  lifecycle.onStop('database', () => db.destroy());
  const { client, connection } = await connectTemporal(temporalAddress, config.temporal.namespace, keyring);
  lifecycle.onStop('temporal connection', () => connection.close());
  const dingtalk = createDingTalk(config, logger);
  return { config, logger, keyring, db, temporal: client, connection, temporalAddress, dingtalk, lifecycle };
}

/** Entry points end here: a start-up failure is logged and exits 1 (after closing what opened). */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
