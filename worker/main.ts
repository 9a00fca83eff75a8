// Worker process entry: `tsx worker/main.ts [workflow-bundle.js]` (needs TEMPORAL_ADDRESS and DATABASE_URL).
// With a bundle (the Docker image's dist/workflow-bundle.js, built by `npm run bundle:workflows`)
// it starts in a second; without one it bundles workflows/ from source first (development).
// SIGTERM drains it: no new tasks, running activities finish within SHUTDOWN_GRACE_SECONDS, exit 0.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bootstrap, runMain } from '../platform/bootstrap.ts';
import { startWorkerHealthServer } from './health-server.ts';
import { runWorker } from './run-worker.ts';

runMain(async () => {
  const bundlePath = process.argv[2] ? resolve(process.argv[2]) : undefined;
  // Checked before connecting: a missing bundle is a broken image, not something to retry.
  if (bundlePath && !existsSync(bundlePath))
    throw new Error(`workflow bundle ${bundlePath} not found (npm run bundle:workflows -- <path>)`);
  const s = await bootstrap({ name: 'worker' });
  const w = await runWorker({
    config: s.config,
    logger: s.logger,
    db: s.db,
    dingtalk: s.dingtalk,
    temporal: s.temporal,
    address: s.temporalAddress,
    workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
  });
  s.lifecycle.onStop('worker', () => w.stop());
  // polling from here until worker.run() settles or a shutdown begins
  let settled = false;
  w.running.then(
    () => (settled = true),
    () => (settled = true),
  );
  if (s.config.worker.healthPort > 0) {
    const health = await startWorkerHealthServer(
      { db: s.db, polling: () => !settled && !s.lifecycle.isStopping },
      s.config.worker.healthPort,
      s.config.worker.healthHost,
    );
    // registered after the worker, so it closes first: a draining worker is never probed as ready
    s.lifecycle.onStop('health server', health.close);
    s.logger.info({ url: health.url }, 'worker health server listening');
  }
  s.logger.info(
    {
      taskQueue: s.config.temporal.taskQueue,
      namespace: s.config.temporal.namespace,
      workflows: bundlePath ?? 'bundled from source',
    },
    'worker running',
  );
  // The worker stops by itself only when it fails (e.g. Temporal unreachable for too long).
  w.running.then(
    () => void s.lifecycle.shutdown('worker stopped', s.lifecycle.isStopping ? 0 : 1),
    (err: unknown) => {
      s.logger.fatal({ err }, 'worker failed');
      void s.lifecycle.shutdown('worker failed', 1);
    },
  );
});
