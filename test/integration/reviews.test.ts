// Abnormal answers open a review: manager decides through the API (a Temporal Update), HR is
// brought in when nobody acts, rechecks continue the same review.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { findRecordById } from '../../db/repositories/records.ts';
import { findReview } from '../../db/repositories/reviews.ts';
import { reviewStatusQuery } from '../../workflows/messages.ts';
import {
  eventually,
  newKey,
  validAnswers,
  type TestContext,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { decideReview, reviewContext } from '../helpers/reviews.ts';

let ctx: TestContext;

before(async () => {
  ctx = await reviewContext(import.meta.filename);
});
after(async () => ctx.close());

const fever = (t: number) => ({ ...validAnswers, temperature: t });

async function submitAbnormal(dept: TestDepartment, e: TestEmployee, temperature: number) {
  const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: fever(temperature) });
  assert.equal(r.status, 201);
  const reviewId = r.body.reviewId as number;
  assert.ok(reviewId, 'a review was opened');
  const recordId = (r.body.record as { id: number }).id;
  const managerCards = () => ctx.reviewMessages('work_notification', dept.manager.userId, reviewId);
  await eventually(() => managerCards().length > 0, 15_000, 'manager notified');
  return { reviewId, recordId, managerCards };
}

const decide = (reviewId: number, who: TestEmployee, decision: string, comment?: string) =>
  decideReview(ctx, reviewId, who, decision, comment);

describe('anomaly review', { concurrency: true }, () => {
  test('fever → review opened → manager notified (card + to-do) → approved via API → stored, employee told', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const { reviewId, recordId } = await submitAbnormal(dept, e, 37.6);
    const record = await findRecordById(ctx.db, recordId);
    assert.ok(record);
    assert.equal(record.severity, 'warning');
    assert.deepEqual(
      record.reasons.map((x) => x.source),
      ['temperature'],
    );
    // The to-do follows the card in the same activity.
    await eventually(
      () => ctx.reviewMessages('todo', dept.manager.unionId, reviewId).length === 1,
      10_000,
      'manager to-do',
    );

    const r = await decide(reviewId, dept.manager, 'approve', '已电话确认');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'approved');
    const row = await findReview(ctx.db, reviewId);
    assert.equal(row?.status, 'approved');
    assert.equal(row?.decider_id, dept.manager.id);
    assert.equal(row?.comment, '已电话确认');
    assert.ok(row?.decided_at);
    await eventually(
      () => ctx.messages('work_notification', e.userId).some((m) => m.text.includes('复核已通过')),
      10_000,
      'employee told',
    );
    const result = (await ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId)).result()) as {
      status: string;
    };
    assert.equal(result.status, 'approved');

    const list = await fetch(
      `${ctx.apiUrl}/api/ra/reviews?filter=${encodeURIComponent(JSON.stringify({ status: 'approved', department_id: dept.id }))}`,
      {
        headers: { 'x-admin-token': ctx.operatorKey },
      },
    );
    assert.deepEqual(
      ((await list.json()) as { id: number }[]).map((x) => x.id),
      [reviewId],
    );
  });

  test('no decision in time on a red record → escalated to HR (card + to-do), who can then decide', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const { reviewId, recordId } = await submitAbnormal(dept, e, 38.4);
    const hr = dept.hr as TestEmployee;
    await eventually(
      () => ctx.reviewMessages('work_notification', hr.userId, reviewId).length > 0,
      15_000,
      'HR notified',
    );
    await eventually(() => ctx.reviewMessages('todo', hr.unionId, reviewId).length === 1, 10_000, 'HR to-do');
    const st = await ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId)).query(reviewStatusQuery);
    assert.equal(st.escalated, true);
    const r = await decide(reviewId, hr, 'reject', '请居家观察');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'rejected');
    const row = await findReview(ctx.db, reviewId);
    assert.deepEqual([row?.status, row?.escalated, row?.decider_id], ['rejected', true, hr.id]);
    assert.ok(row?.history.some((h) => h.event === 'escalated'));
    assert.equal(
      (await decide(reviewId, dept.manager, 'approve')).status,
      409,
      'decided reviews stay decided',
    );
  });

  test('two concurrent decisions: exactly one wins, the other gets 409', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const { reviewId } = await submitAbnormal(dept, e, 37.5);
    const rs = await Promise.all([
      decide(reviewId, dept.manager, 'approve'),
      decide(reviewId, dept.manager, 'reject'),
    ]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
    const winner = rs.find((r) => r.status === 200)?.body.status;
    assert.equal((await findReview(ctx.db, reviewId))?.status, winner);
    assert.match(String(rs.find((r) => r.status === 409)?.body.title), /already/);
  });

  test('someone who is neither the manager nor (after escalation) HR is refused (403; 404 outside their departments)', async () => {
    const dept = await ctx.department({ size: 2 });
    const [e, colleague] = dept.members as [TestEmployee, TestEmployee];
    const other = await ctx.department({ size: 0 });
    const { reviewId } = await submitAbnormal(dept, e, 37.5);
    assert.equal((await decide(reviewId, colleague, 'approve')).status, 403);
    assert.equal((await decide(reviewId, e, 'approve')).status, 403, 'not your own review');
    // (a warning waits 60 s for the manager here, so this is surely before any escalation)
    assert.equal(
      (await decide(reviewId, dept.hr as TestEmployee, 'approve')).status,
      403,
      'HR may not decide before escalation',
    );
    assert.equal(
      (await decide(reviewId, other.manager, 'approve')).status,
      404,
      'another department’s manager does not even see the review',
    );
    assert.equal((await findReview(ctx.db, reviewId))?.status, 'pending');
    const noAuth = await fetch(`${ctx.apiUrl}/api/reviews/${reviewId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"decision":"approve"}',
    });
    assert.equal(noAuth.status, 401);
    assert.equal((await decide(reviewId, dept.manager, 'maybe')).status, 400);
    assert.equal((await decide(reviewId, dept.manager, 'approve')).status, 200);
  });

  test('request-recheck: the employee re-measures and resubmits; the new record continues the same review', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const { reviewId, recordId } = await submitAbnormal(dept, e, 37.4);
    const r1 = await decide(reviewId, dept.manager, 'request_recheck', '请半小时后复测');
    assert.deepEqual([r1.status, r1.body.status], [200, 'recheck_requested']);
    await eventually(
      () => ctx.messages('work_notification', e.userId).some((m) => m.text.includes('重新测量')),
      10_000,
      'employee asked',
    );
    assert.equal((await decide(reviewId, dept.manager, 'request_recheck')).status, 409);

    const again = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: fever(36.8) });
    assert.equal(again.status, 201);
    assert.equal(again.body.reviewId, reviewId);
    const newId = (again.body.record as { id: number }).id;
    const handle = ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId));
    await eventually(
      async () => (await handle.query(reviewStatusQuery)).currentRecordId === newId,
      10_000,
      'workflow saw the recheck',
    );
    const row = await findReview(ctx.db, reviewId);
    assert.deepEqual([row?.status, row?.current_record_id, row?.severity], ['pending', newId, 'normal']);
    const old = await ctx.db
      .selectFrom('health_records')
      .select(['is_current'])
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    assert.equal(old.is_current, false);
    // Without a recheck request, a further submission is still refused.
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 409);
    assert.equal((await decide(reviewId, dept.manager, 'approve')).status, 200);
  });
});
