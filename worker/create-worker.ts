// Wires a Temporal worker: the workflows bundle, the activities with their dependencies.
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Logger } from '../config/logger.ts';
import { fileURLToPath } from 'node:url';
import { dataConverter } from '../platform/payload-codec.ts';
import { createActivities, type ActivityDeps } from '../activities/index.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/** Routes the SDK's own logs (workflow `log`, worker state) into our pino logger, once per process. */
function installRuntimeLogger(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (logger.level === 'silent' ? 'ERROR' : logger.level.toUpperCase()) as LogLevel;
  const sdkLevel: LogLevel = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level) ? level : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method]({ ...entry.meta, sdk: true }, entry.message);
    }),
  });
}

export async function createWorker(
  deps: ActivityDeps,
  opts: { address: string; workflowBundle?: { codePath: string } } & Partial<WorkerOptions>,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, workflowBundle, ...rest } = opts;
  installRuntimeLogger(deps.logger);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
    dataConverter,
    maxConcurrentActivityTaskExecutions: 50,
    ...rest,
  });
  return { worker, connection };
}
