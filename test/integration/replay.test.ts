// Workflow determinism: recorded histories (committed fixtures and fresh runs) replay against the
// current workflow code without a non-determinism error. RECORD_HISTORIES=1 refreshes the fixtures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyringOf } from '../../db/sealed-fields.ts';
import { createDataConverter } from '../../platform/payload-codec.ts';
import { after, before, describe, test } from 'node:test';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { checkinWorkflowId, departmentBatchWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { testEnv } from '../helpers/test-env.ts';
import { callAs } from '../helpers/staff-client.ts';

let ctx: TestContext;
const fixtures = join(testEnv().root, 'test/fixtures/histories');

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
});
after(async () => ctx.close());

const replay = (history: unknown, workflowId: string) =>
  Worker.runReplayHistory(
    {
      workflowBundle: { codePath: testEnv().workflowBundle },
      dataConverter: createDataConverter(keyringOf(ctx.db)),
    },
    history,
    workflowId,
  );

describe('workflow determinism', () => {
  test('committed histories replay against the current code', async () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3, 'fixtures exist (run RECORD_HISTORIES=1 npm test -- replay to record)');
    for (const f of files) {
      await replay(
        historyFromJSON(JSON.parse(readFileSync(join(fixtures, f), 'utf8'))),
        f.replace(/\.json$/, ''),
      );
    }
  });

  test('fresh histories of every workflow type replay, and a changed workflow is detected', async () => {
    const dept = await ctx.department({ size: 3 });
    const [missed, early, sickOne] = dept.members as [TestEmployee, TestEmployee, TestEmployee];
    const s = await ctx.schedule(3600);
    await ctx.startDay([missed, early], s);
    await ctx.submit(early.id, { idempotencyKey: newKey(), answers: validAnswers });
    const ids = {
      'daily-checkin-missed': checkinWorkflowId(s.workDate, missed.id),
      'daily-checkin-submitted': checkinWorkflowId(s.workDate, early.id),
      'department-batch-level1': departmentBatchWorkflowId(s.workDate, dept.id, 1),
      'department-batch-level2': departmentBatchWorkflowId(s.workDate, dept.id, 2),
    };
    for (const id of Object.values(ids)) await ctx.temporal.workflow.getHandle(id).result();
    await ctx.temporal.workflow.execute('dailyFanout', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: 'fanout-replay',
      args: [{ workDate: '2031-01-06', batchSize: 2 }],
    });
    // A review decided by the manager, and a digest whose window has closed.
    const sick = await ctx.submit(sickOne.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 37.6 },
    });
    const reviewId = sick.body.reviewId as number;
    const recordId = (sick.body.record as { id: number }).id;
    await eventually(
      async () =>
        (
          await callAs(ctx, dept.manager, 'POST', `/api/reviews/${reviewId}/decision`, {
            decision: 'approve',
          })
        ).status === 200,
      10_000,
      'review decided',
    );
    await ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId)).result();
    await ctx.temporal.workflow.execute('dailyDigest', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: 'digest-replay',
      args: [{ workDate: s.workDate, closesAt: new Date().toISOString() }],
    });
    await ctx.temporal.workflow.execute('dataRetention', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: 'retention-replay',
      args: [{}],
    });
    const all = {
      ...ids,
      'data-retention': 'retention-replay',
      'daily-fanout': 'fanout-replay',
      'anomaly-review-approved': reviewWorkflowId(recordId),
      'daily-digest': 'digest-replay',
    };
    for (const [name, id] of Object.entries(all)) {
      const history = await ctx.temporal.workflow.getHandle(id).fetchHistory();
      await replay(history, id);
      if (testEnv().recordHistories) writeFileSync(join(fixtures, `${name}.json`), historyToJSON(history));
    }
    // The replayer must be able to fail: a history whose first command is not what the code does.
    const missedHistory = await ctx.temporal.workflow.getHandle(ids['daily-checkin-missed']).fetchHistory();
    const tampered = historyFromJSON(JSON.parse(historyToJSON(missedHistory)));
    const scheduled = tampered.events?.find((e) => e.activityTaskScheduledEventAttributes);
    assert.ok(scheduled?.activityTaskScheduledEventAttributes?.activityType);
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await assert.rejects(
      replay(tampered, ids['daily-checkin-missed']),
      /[Nn]ondeterminism|DeterminismViolation/,
    );
    for (const e of [missed, early])
      await ctx.temporal.workflow
        .getHandle(checkinWorkflowId('2031-01-06', e.id))
        .terminate()
        .catch(() => undefined);
  });
});
