// Wires a Temporal worker: the workflows bundle, the activities with their dependencies.
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import type { Logger } from '../config/logger.ts';
import type { AppConfig } from '../config/config.ts';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { tracingEnabled } from '../platform/tracing.ts';
import { fileURLToPath } from 'node:url';
import { keyringOf } from '../db/sealed-fields.ts';
import { createDataConverter } from '../platform/payload-codec.ts';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { ladderTaskQueue } from '../domain/reminders/ladder.ts';
import { temporalTlsOptions } from '../platform/temporal.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** bundled with the workflows (worker/workflow-bundle.ts): carries trace headers to activities */
export const workflowInterceptorsPath = fileURLToPath(
  new URL('../workflows/tracing-interceptors.ts', import.meta.url),
);

let runtimeInstalled = false;

/**
 * Routes the SDK's own logs (workflow `log`, worker state) into our pino logger, once per process,
 * and with TEMPORAL_METRICS_PORT > 0 serves the SDK's own Prometheus metrics (temporal_*: task
 * schedule-to-start latency, pollers, slots) from its Rust runtime on METRICS_HOST:that port.
 */
function installRuntime(logger: Logger, metrics: AppConfig['metrics']): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (logger.level === 'silent' ? 'ERROR' : logger.level.toUpperCase()) as LogLevel;
  const sdkLevel: LogLevel = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level) ? level : 'WARN';
  Runtime.install({
    // The process's Lifecycle owns SIGTERM/SIGINT: the SDK's own handlers would shut the worker
    // down behind our back, and our second shutdown() then threw "Not running … DRAINING".
    shutdownSignals: [],
    ...(metrics.temporalPort > 0
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `${metrics.host.includes(':') ? `[${metrics.host}]` : metrics.host}:${metrics.temporalPort}`,
                // seconds and the _total suffix, as the rest of this app's series
                useSecondsForDurations: true,
                countersTotalSuffix: true,
              },
            },
          },
        }
      : {}),
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method]({ ...entry.meta, sdk: true }, entry.message);
    }),
  });
}

/**
 * The activities' logger: inside an activity each line carries the workflow and activity ids
 * Temporal gave it (the same logger outside one, e.g. in a test calling a factory directly).
 */
export function activityLogger(base: Logger): Logger {
  return new Proxy(base, {
    get(target, prop) {
      let logger = target;
      try {
        const info = Context.current().info;
        logger = target.child({
          workflowId: info.workflowExecution?.workflowId,
          runId: info.workflowExecution?.runId,
          activityType: info.activityType,
          activityId: info.activityId,
          attempt: info.attempt,
        });
      } catch {
        // not inside an activity
      }
      const value: unknown = Reflect.get(logger, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
    },
  });
}

/**
 * Two workers on one connection: the main task queue (day workflows, reviews, exports…) and the
 * ladder's own (department ladders and their sends). At 09:00 every open day's timer fires on the
 * main queue; on a queue of their own the ladders' few tasks do not wait behind those.
 */
export async function createWorker(
  deps: ActivityDeps,
  opts: { address: string; workflowBundle?: { codePath: string } } & Partial<WorkerOptions>,
): Promise<{ workers: Worker[]; connection: NativeConnection }> {
  const { address, workflowBundle, ...rest } = opts;
  installRuntime(deps.logger, deps.config.metrics);
  const connection = await NativeConnection.connect({
    address,
    ...temporalTlsOptions(deps.config.temporal.tls),
  });
  // Bundled once for both workers (a pre-built bundle in production: worker/main.ts's argument).
  const bundle = workflowBundle ?? { code: (await bundleWorkflowCode({ workflowsPath })).code };
  const common = {
    connection,
    namespace: deps.config.temporal.namespace,
    workflowBundle: bundle,
    activities: createActivities({ ...deps, logger: activityLogger(deps.logger) }),
    interceptors: {
      // a pre-built bundle has them bundled in already
      ...(workflowBundle ? {} : { workflowModules: [workflowInterceptorsPath] }),
      // with tracing on, each activity runs in a span under the trace its workflow carried
      ...(tracingEnabled()
        ? {
            activity: [
              (ctx: Context) => ({
                inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
                outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
              }),
            ],
          }
        : {}),
    },
    // the keyring travels with the database handle (db/sealed-fields.ts)
    dataConverter: createDataConverter(keyringOf(deps.db)),
    // On SIGTERM running activities get this long to finish before they are cancelled (and retried
    // by another worker); the lifecycle's grace period is the same setting.
    shutdownGraceTime: deps.config.shutdownGraceMs,
  };
  const main = await Worker.create({
    ...common,
    taskQueue: deps.config.temporal.taskQueue,
    maxConcurrentActivityTaskExecutions: 50,
    // 100k open days must fit in < 2 GB: the SDK sizes the sticky cache from the heap limit (tens of
    // thousands of workflows, 1.5 GB RSS at 20k open days). A day is idle for hours between its
    // instants and its history is a few events, so replaying an evicted one costs little.
    // Sized by WORKER_MAX_CACHED_WORKFLOWS / WORKER_MAX_CONCURRENT_WORKFLOW_TASKS /
    // WORKER_WORKFLOW_THREADS (one process on a small machine by default; more workers scale out:
    // docs/operations.md "Scaling out").
    maxCachedWorkflows: deps.config.worker.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: deps.config.worker.maxConcurrentWorkflowTasks,
    workflowThreadPoolSize: deps.config.worker.workflowThreads,
    ...rest,
  });
  const ladder = await Worker.create({
    ...common,
    taskQueue: ladderTaskQueue(deps.config.temporal.taskQueue),
    maxConcurrentActivityTaskExecutions: 50,
    maxCachedWorkflows: 1000,
    maxConcurrentWorkflowTaskExecutions: 10,
    ...rest,
  });
  return { workers: [main, ladder], connection };
}
