// Wires a Temporal worker: the workflows bundle, the activities with their dependencies.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../activities/index.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createWorker(
  deps: ActivityDeps,
  opts: { address: string; workflowBundle?: { codePath: string } } & Partial<WorkerOptions>,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, workflowBundle, ...rest } = opts;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
    maxConcurrentActivityTaskExecutions: 50,
    ...rest,
  });
  return { worker, connection };
}
