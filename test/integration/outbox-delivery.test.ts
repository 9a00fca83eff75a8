// OUTBOX_DELIVERY=worker (issue #15): the API makes no Temporal call for a submission; it commits
// the outbox rows due at once and sends a NOTIFY, and the worker's drainer, LISTENing, delivers
// them. The drainer's poll is set to 60 s here, so a delivery within seconds is the wake-up's doing.
// Its listening connection, when cut, is reopened and still wakes it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { checkinWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;
let dept: Awaited<ReturnType<TestContext['department']>>;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: { OUTBOX_DELIVERY: 'worker', OUTBOX_POLL_MS: '60000', DAY_START_AT_WINDOW_OPEN: 'false' },
  });
  dept = await ctx.department({ size: 4 });
});
after(async () => ctx.close());

const member = (i: number) => dept.members[i] as TestEmployee;

/** Outbox rows of these workflows, as the drainer left them. */
const outboxOf = (workflowIds: string[]) =>
  ctx.db
    .selectFrom('signal_outbox')
    .select(['workflow_id', 'action', 'created_at', 'next_attempt_at', 'delivered_at'])
    .where('workflow_id', 'in', workflowIds)
    .execute();

/** Submits, then waits (20 s, a third of the drainer's poll) for the day's workflow to end submitted. */
async function submitAndSeeDelivered(e: TestEmployee, answers: Record<string, unknown>, workDate: string) {
  const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: { ...validAnswers, ...answers } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const result = await Promise.race([
    ctx.dayResult(workDate, e.id),
    // (unref: a timer left after the result must not hold the test process open)
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`employee ${e.id}: no signal within 20 s`)), 20_000).unref(),
    ),
  ]);
  assert.equal(result.outcome, 'submitted');
  return r.body as { record: { id: number }; reviewId: number | null };
}

describe('outbox delivered by the worker, woken by NOTIFY', () => {
  test('submissions reach their day workflows and start their reviews without the API calling Temporal', async () => {
    const schedule = await ctx.schedule(1);
    const people = [member(0), member(1), member(2)];
    await ctx.startDay(people, schedule);

    const [, , fever] = await Promise.all([
      submitAndSeeDelivered(member(0), {}, schedule.workDate),
      submitAndSeeDelivered(member(1), {}, schedule.workDate),
      submitAndSeeDelivered(member(2), { temperature: 38.6 }, schedule.workDate),
    ]);
    assert.ok(fever?.reviewId, 'the fever opened a review');
    const review = await eventually(
      () =>
        ctx.temporal.workflow
          .getHandle(reviewWorkflowId(fever.record.id))
          .describe()
          .catch(() => undefined),
      20_000,
      'the review workflow started',
    );
    assert.equal(review.status.name, 'RUNNING');

    const rows = await eventually(async () => {
      const r = await outboxOf([
        ...people.map((p) => checkinWorkflowId(schedule.workDate, p.id)),
        reviewWorkflowId(fever.record.id),
      ]);
      return r.length === 4 && r.every((x) => x.delivered_at) ? r : undefined;
    }, 20_000);
    // written due at once (no lease for an API pump that is not there), delivered by the drainer
    for (const row of rows) assert.ok(row.next_attempt_at.getTime() <= row.created_at.getTime() + 1000);
    assert.deepEqual(rows.map((r) => r.action).sort(), ['signal', 'signal', 'signal', 'start']);
  });

  test('a cut listening connection is reopened and wakes the drainer again', async () => {
    const schedule = await ctx.schedule(1);
    await ctx.startDay([member(3)], schedule);
    const cut = await sql<{ pid: number }>`
      select pg_terminate_backend(pid) as pid from pg_stat_activity
       where datname = current_database() and query ilike 'listen %'`.execute(ctx.db);
    assert.equal(cut.rows.length, 1, 'one listening connection was cut');
    // listening again (a new backend)
    await eventually(async () => {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
         where datname = current_database() and query ilike 'listen %'`.execute(ctx.db);
      return r.rows[0]?.n === 1;
    }, 20_000);
    await submitAndSeeDelivered(member(3), {}, schedule.workDate);
  });
});
