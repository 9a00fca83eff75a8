// Carries the caller's trace context through a workflow to its activities, without spans or I/O:
// Temporal's OpenTelemetry client interceptor (platform/temporal.ts, only with tracing on) writes it
// into the `_tracer-data` header of a start, signal or update; this passes the header of the start,
// or of the latest signal or update (a submission's `submit`), on to the activities and child
// workflows the workflow schedules next, where Temporal's activity interceptor opens its span under
// it (worker/create-worker.ts). Headers are in the history, so replay sees the same; with tracing off
// there is no header and nothing changes. Bundled with the workflows (worker/workflow-bundle.ts).
import type { Payload } from '@temporalio/common';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** TRACE_HEADER of @temporalio/interceptors-opentelemetry (checked by test/integration/tracing.test.ts) */
export const TRACE_HEADER = '_tracer-data';

export const interceptors = (): WorkflowInterceptors => {
  let carried: Payload | undefined;
  const take = (headers: Record<string, Payload>) => {
    const h = headers[TRACE_HEADER];
    if (h) carried = h;
  };
  const give = <I extends { headers: Record<string, Payload> }>(input: I): I =>
    carried && !input.headers[TRACE_HEADER]
      ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: carried } }
      : input;
  return {
    inbound: [
      {
        execute(input, next) {
          take(input.headers);
          return next(input);
        },
        handleSignal(input, next) {
          take(input.headers);
          return next(input);
        },
        handleUpdate(input, next) {
          take(input.headers);
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(give(input)),
        scheduleLocalActivity: (input, next) => next(give(input)),
        startChildWorkflowExecution: (input, next) => next(give(input)),
      },
    ],
  };
};
