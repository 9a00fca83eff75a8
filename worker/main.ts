// Worker process entry: `tsx worker/main.ts` (needs TEMPORAL_ADDRESS and DATABASE_URL).
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb } from '../db/connect.ts';
import { createDingTalk } from '../platform/dingtalk.ts';
import { connectTemporal } from '../platform/temporal.ts';
import { useFieldKeys } from '../security/field-crypto.ts';
import { runWorker } from './run-worker.ts';

async function run() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  useFieldKeys(config.fieldEncryption);
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
  const db = createDb(config.databaseUrl);
  const { client, connection } = await connectTemporal(address, config.temporal.namespace);
  const w = await runWorker({
    config,
    logger,
    db,
    dingtalk: createDingTalk(config),
    temporal: client,
    address,
    workflowBundle: process.argv[2] ? { codePath: process.argv[2] } : undefined,
  });
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace },
    'worker running',
  );
  const stop = async () => {
    await w.stop();
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await w.running;
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
