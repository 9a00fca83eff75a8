// One submission followed end to end in one trace: the API request, the workflow start and signal
// the signal pump delivers in its context, the review workflow's activity, and its DingTalk call.
// Tracing is set up before the test's context, as bootstrap does before building the clients, with
// an in-memory exporter in place of OTLP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TRACE_HEADER as LIBRARY_TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { setupTracing } from '../../platform/tracing.ts';
import { TRACE_HEADER } from '../../workflows/tracing-interceptors.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

const exporter = new InMemorySpanExporter();
let stopTracing: (() => Promise<void>) | undefined;
let ctx: TestContext;

before(async () => {
  stopTracing = setupTracing(
    { exporter: 'none', serviceName: 'health-checkin-test', otlpEndpoint: undefined, sampleRatio: 1 },
    'health-checkin-test',
    new SimpleSpanProcessor(exporter),
  );
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => {
  await ctx.close();
  await stopTracing?.();
});

const names = (spans: ReadableSpan[]) => spans.map((s) => s.name).sort();

test('the workflow interceptor passes on the header Temporal’s OpenTelemetry interceptors use', () => {
  assert.equal(TRACE_HEADER, LIBRARY_TRACE_HEADER);
});

test('an abnormal submission is one trace from the API request to the DingTalk call', async () => {
  const dept = await ctx.department({ size: 1 });
  const [e] = dept.members as [TestEmployee];
  // a real-time day: no reminder comes in the way
  const s = await ctx.schedule(1);
  await ctx.startDay([e], s);
  exporter.reset();

  const r = await ctx.submit(e.id, {
    idempotencyKey: newKey(),
    answers: { ...validAnswers, temperature: 38.6 },
  });
  assert.equal(r.status, 201);
  assert.ok((r.body as { reviewId?: number }).reviewId, 'the submission opened a review');

  // the review workflow tells the manager by a work notification
  const spans = await eventually(
    () => {
      const all = exporter.getFinishedSpans();
      const request = all.find((x) => x.name === 'POST /api/me/checkins');
      if (!request) return null;
      const trace = all.filter((x) => x.spanContext().traceId === request.spanContext().traceId);
      // the activity's span ends after its DingTalk call's: wait for both
      const done = ['dingtalk /topapi/message/corpconversation/asyncsend_v2', 'RunActivity:notifyReviewer'];
      return done.every((n) => trace.some((x) => x.name === n)) ? trace : null;
    },
    30_000,
    'the DingTalk call in the request’s trace',
  );
  const got = names(spans);
  for (const expected of [
    'POST /api/me/checkins',
    'SignalWorkflow:submit',
    'StartWorkflow:anomalyReview',
    'RunActivity:notifyReviewer',
    'dingtalk /topapi/message/corpconversation/asyncsend_v2',
  ])
    assert.ok(got.includes(expected), `${expected} in the trace: ${got.join(', ')}`);

  // parent links: the request is the root, the DingTalk call sits under the activity
  const byId = new Map(spans.map((x) => [x.spanContext().spanId, x]));
  const request = spans.find((x) => x.name === 'POST /api/me/checkins');
  assert.equal(request?.parentSpanId, undefined);
  const call = spans.find((x) => x.name.startsWith('dingtalk /topapi/message'));
  assert.equal(byId.get(call?.parentSpanId ?? '')?.name, 'RunActivity:notifyReviewer');
  assert.ok(ctx.messages('work_notification', dept.manager.userId).length >= 1);
});
