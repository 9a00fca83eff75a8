// Worker process entry: `tsx worker/main.ts [workflow-bundle.js]` (needs TEMPORAL_ADDRESS and DATABASE_URL).
// SIGTERM drains it: no new tasks, running activities finish within SHUTDOWN_GRACE_SECONDS, exit 0.
import { bootstrap, runMain } from '../platform/bootstrap.ts';
import { runWorker } from './run-worker.ts';

runMain(async () => {
  const s = await bootstrap({ name: 'worker' });
  const w = await runWorker({
    config: s.config,
    logger: s.logger,
    db: s.db,
    dingtalk: s.dingtalk,
    temporal: s.temporal,
    address: s.temporalAddress,
    workflowBundle: process.argv[2] ? { codePath: process.argv[2] } : undefined,
  });
  s.lifecycle.onStop('worker', () => w.stop());
  s.logger.info(
    { taskQueue: s.config.temporal.taskQueue, namespace: s.config.temporal.namespace },
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
