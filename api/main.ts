// API process entry for production: `node --import tsx api/main.ts` (the Docker image's default).
// Needs TEMPORAL_ADDRESS and DATABASE_URL; migrations run separately (scripts/migrate.ts), and
// neither the Temporal dev server nor the DingTalk fake is started here.
import type { Server } from 'node:http';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/connect.ts';
import { getCurrentPolicy } from '../db/repositories/policy.ts';
import { createDingTalk } from '../platform/dingtalk.ts';
import { connectTemporal, ensureAppSchedules } from '../platform/temporal.ts';
import { useFieldKeys } from '../security/field-crypto.ts';
import { createApp } from './app.ts';
import { ensureLocalAdmin, oneTimePasswordNotice } from './auth/local-admin.ts';
import { listen } from './serve.ts';

async function run() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api');
  useFieldKeys(config.fieldEncryption);
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
  const db = createDb(config.databaseUrl);
  const { client, connection } = await connectTemporal(address, config.temporal.namespace);
  // Idempotent: every API replica may run it at start.
  await ensureAppSchedules(
    { client, connection },
    { ...config.temporal, timeZone: (await getCurrentPolicy(db)).timeZone },
  );

  const admin = await ensureLocalAdmin(db, config.auth.localAdmin);
  if (admin.generatedPassword)
    console.log(
      `Local admin ${oneTimePasswordNotice(config.auth.localAdmin.username, admin.generatedPassword)}`,
    );

  const app = createApp({ db, temporal: client, dingtalk: createDingTalk(config), config, logger });
  const server: Server = await listen(app, config.api);
  logger.info(
    { host: config.api.host, port: config.api.port, publicBaseUrl: config.api.publicBaseUrl },
    'api listening',
  );

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await new Promise<void>((r) => server.close(() => r()));
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
