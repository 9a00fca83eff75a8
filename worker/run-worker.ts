// Runs a worker plus the outbox drainer until stopped; shared by `npm start` and worker/main.ts.
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import type { DingTalkApi } from '../dingtalk/types.ts';
import { collectFromDatabase, workerPolling } from '../platform/metrics.ts';
import { startOutboxDrainer } from '../platform/signal-outbox.ts';
import { createWorker } from './create-worker.ts';

export async function runWorker(deps: {
  config: AppConfig;
  logger: Logger;
  db: DB;
  dingtalk: DingTalkApi;
  temporal: Client;
  address: string;
  workflowBundle?: { codePath: string };
}) {
  const { workers, connection } = await createWorker(
    {
      db: deps.db,
      dingtalk: deps.dingtalk,
      temporal: deps.temporal,
      config: deps.config,
      logger: deps.logger,
    },
    { address: deps.address, workflowBundle: deps.workflowBundle },
  );
  const stopDrainer = startOutboxDrainer(
    deps.db,
    deps.temporal,
    deps.config.temporal.taskQueue,
    deps.logger,
    deps.config.outboxPollMs,
    {
      // woken by the API's NOTIFY after each commit when it leaves delivery to the workers
      listen: deps.config.outboxDelivery === 'worker' ? { databaseUrl: deps.config.databaseUrl } : undefined,
      concurrency: deps.config.outboxPump.concurrency,
    },
  );
  const running = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  // /metrics of this process reports the outbox and review backlog and today's days from Postgres
  collectFromDatabase(deps.db);
  workerPolling.set(1);
  const notPolling = () => workerPolling.set(0);
  running.then(notPolling, notPolling);
  let stopping: Promise<void> | undefined;
  return {
    running,
    /** Drains: no new tasks, running activities finish within the grace time, then the connection closes. */
    stop() {
      stopping ??= (async () => {
        notPolling();
        collectFromDatabase(undefined);
        await stopDrainer();
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await running;
        await connection.close();
      })();
      return stopping;
    },
  };
}
