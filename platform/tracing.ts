// OpenTelemetry tracing, off by default (OTEL_TRACES_EXPORTER=none): then no provider is registered,
// no interceptor is installed and every helper here is a no-op, so the request path pays nothing.
// On (otlp or console), one submission can be followed end to end in one trace:
//   API request span (this file) → StartWorkflow/SignalWorkflow (Temporal's client interceptor,
//   also from the signal pump, which runs each outbox row in the context of the request that wrote
//   it) → RunActivity (Temporal's activity interceptor; the workflow passes the trace header on,
//   workflows/tracing-interceptors.ts) → the DingTalk call (dingtalk/client.ts).
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Request, RequestHandler } from 'express';
import type { AppConfig } from '../config/config.ts';
import { routeTemplate } from './metrics.ts';

export type TraceContext = Context;

let provider: NodeTracerProvider | undefined;

/** True once tracing is set up in this process (decided at start, before the app and clients). */
export const tracingEnabled = (): boolean => provider !== undefined;

export const tracer = () => trace.getTracer('health-checkin');

/**
 * Registers the global tracer provider when the configuration asks for an exporter (or a test
 * hands a span processor); returns its shutdown (flushes what is buffered), or undefined when off.
 */
export function setupTracing(
  tracing: AppConfig['tracing'],
  serviceName: string,
  spanProcessor?: SpanProcessor,
  onExportError?: (err: unknown) => void,
): (() => Promise<void>) | undefined {
  if (provider) return () => Promise.resolve();
  let processor = spanProcessor;
  if (!processor && tracing.exporter === 'otlp')
    processor = new BatchSpanProcessor(
      // the exporter also reads the standard OTEL_EXPORTER_OTLP_* variables (headers, timeout…)
      new OTLPTraceExporter(tracing.otlpEndpoint ? { url: tracing.otlpEndpoint } : {}),
    );
  if (!processor && tracing.exporter === 'console')
    processor = new BatchSpanProcessor(new ConsoleSpanExporter());
  if (!processor) return undefined;
  const p = new NodeTracerProvider({
    resource: new Resource({ 'service.name': tracing.serviceName ?? serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(tracing.sampleRatio) }),
    spanProcessors: [processor],
  });
  // AsyncLocalStorage context manager and W3C trace-context propagation
  p.register();
  provider = p;
  return async () => {
    // a collector that is gone loses the last spans; the process still stops
    await p.shutdown().catch((err: unknown) => onExportError?.(err));
    trace.disable();
    context.disable();
    propagation.disable();
    provider = undefined;
  };
}

/** The active trace context to carry across a queue (the signal pump), or undefined when tracing is off. */
export function captureTraceContext(): TraceContext | undefined {
  return provider ? context.active() : undefined;
}

/** Runs `fn` in a carried trace context (as it is when there is none). */
export function withTraceContext<T>(ctx: TraceContext | undefined, fn: () => T): T {
  return ctx ? context.with(ctx, fn) : fn();
}

const REQUEST_CONTEXT = Symbol('traceContext');
type TracedRequest = Request & { [REQUEST_CONTEXT]?: Context };

/**
 * A server span per request, named by its route template once answered. Mount it first; mount
 * `httpTracingResume()` after the body parser, which reads the body in the socket's async context.
 */
export function httpTracing(): RequestHandler {
  if (!provider) return (_req, _res, next) => next();
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span: Span = tracer().startSpan(
      `${req.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.path },
      },
      parent,
    );
    res.on('finish', () => {
      const status = res.statusCode;
      span.updateName(`${req.method} ${routeTemplate(req, status)}`);
      span.setAttribute('http.route', routeTemplate(req, status));
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const ctx = trace.setSpan(parent, span);
    (req as TracedRequest)[REQUEST_CONTEXT] = ctx;
    context.with(ctx, next);
  };
}

/** Re-enters the request's span after middleware that lost it (the JSON body parser). */
export function httpTracingResume(): RequestHandler {
  if (!provider) return (_req, _res, next) => next();
  return (req, _res, next) => {
    const ctx = (req as TracedRequest)[REQUEST_CONTEXT];
    if (ctx) context.with(ctx, next);
    else next();
  };
}

/** Runs `fn` in a client span (a DingTalk call); only `fn` when tracing is off. */
export async function inClientSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!provider) return fn(undefined);
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
