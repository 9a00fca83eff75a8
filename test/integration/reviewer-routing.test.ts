// Sub-teams without a manager or HR contact of their own (common after a DingTalk import): reviews
// and reminder levels 2 and 3 reach the nearest manager / HR up the tree, else company-wide HR;
// whoever is told may decide; a level with nobody anywhere shows as skipped, not as sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grantRole } from '../../db/repositories/access.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { findReview } from '../../db/repositories/reviews.ts';
import {
  eventually,
  newKey,
  validAnswers,
  type TestContext,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { callAs } from '../helpers/staff-client.ts';
import { decideReview, reviewContext } from '../helpers/reviews.ts';
import { subTeam } from '../helpers/sub-team.ts';

/** one compressed hour = 2 s: the three levels within 16 s */
const SCALE = 1800;
let ctx: TestContext;

before(async () => {
  ctx = await reviewContext(import.meta.filename);
});
after(async () => ctx.close());

/** Staff calls go through the person's console session (an employee token reaches /api/me only). */
async function call(who: TestEmployee, method: string, path: string, body?: unknown) {
  const res = await callAs(ctx, who, method, path, body);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

const decide = (reviewId: number, who: TestEmployee, decision = 'approve') =>
  decideReview(ctx, reviewId, who, decision);

async function openReview(e: TestEmployee, temperature: number): Promise<number> {
  const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: { ...validAnswers, temperature } });
  assert.equal(r.status, 201);
  return r.body.reviewId as number;
}

const cardsFor = (who: TestEmployee, reviewId: number) =>
  ctx.reviewMessages('work_notification', who.userId, reviewId);

interface Page {
  can_decide: boolean;
  waiting_for: { source: string; inherited: boolean; department_name: string; people: { name: string }[] }[];
  readings: { answers: { key: string; value: { zh: string } }[]; reasons: { zh: string }[] }[];
  history: { event: string; to?: number[] }[];
  decider_name: string | null;
  decided_at: string | null;
}

describe('reminder levels 2 and 3 up the department tree', { concurrency: true }, () => {
  test('a sub-team without robot, manager or HR: level 2 reaches the parent’s manager, level 3 the parent’s HR', async () => {
    const parent = await ctx.department({ size: 0, robot: false });
    const team = await subTeam(ctx, parent.id, 1);
    const [e] = team.members as [TestEmployee];
    const s = await ctx.schedule(SCALE);
    await ctx.startDay([e], s);
    assert.equal((await ctx.dayResult(s.workDate, e.id)).outcome, 'missed');
    await ctx.laddersDone(s.workDate, team.id);
    const toManager = ctx.messages('work_notification', parent.manager.userId);
    assert.equal(toManager.length, 1, 'the parent’s manager got the level-2 card');
    assert.ok(toManager[0]?.text.includes(e.name));
    const todo = ctx.messages('todo', (parent.hr as TestEmployee).unionId);
    assert.equal(todo.length, 1, 'the parent’s HR contact got the call task');
    assert.ok(todo[0]?.title.includes(e.name));
    const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
    assert.deepEqual(
      rows.map((r) => [r.level, r.status]),
      [
        [1, 'sent'],
        [2, 'sent'],
        [3, 'sent'],
      ],
    );
  });

  test('nobody anywhere up the tree: levels 2 and 3 are skipped, and the dashboard says so', async () => {
    const team = await subTeam(ctx, null, 1);
    const [e] = team.members as [TestEmployee];
    const s = await ctx.schedule(SCALE);
    await ctx.startDay([e], s);
    assert.equal((await ctx.dayResult(s.workDate, e.id)).outcome, 'missed');
    await ctx.laddersDone(s.workDate, team.id);
    const rows = await listRemindersForDay(ctx.db, s.workDate, [e.id]);
    assert.deepEqual(
      rows.map((r) => [r.level, r.status]),
      [
        [1, 'sent'],
        [2, 'skipped'],
        [3, 'skipped'],
      ],
    );
    const list = await ctx.admin('GET', `/api/dashboard/non-submitters?department=${team.id}`);
    const people = list.body.people as { id: number; level_reached: number; skipped_levels: number[] }[];
    assert.deepEqual(
      people.map((p) => [p.id, p.level_reached, p.skipped_levels]),
      [[e.id, 3, [2, 3]]],
    );
  });
});

// Sequential: the company-wide HR granted here changes the routing of departments without HR.
describe('reviews up the department tree', () => {
  let parent: TestDepartment;
  before(async () => {
    parent = await ctx.department({ size: 0 });
  });

  test('the parent’s manager is notified, is shown as awaited, and decides; the parent’s HR gets a clear 403 before escalation', async () => {
    const team = await subTeam(ctx, parent.id, 1);
    const [e] = team.members as [TestEmployee];
    const reviewId = await openReview(e, 37.6);
    await eventually(() => cardsFor(parent.manager, reviewId).length > 0, 15_000, 'parent manager notified');
    const card = cardsFor(parent.manager, reviewId)[0];
    assert.match(card?.link ?? '', new RegExp(`/admin/#/reviews/${reviewId}/show$`));

    const page = (await call(parent.manager, 'GET', `/api/ra/reviews/${reviewId}`)).body as unknown as Page;
    assert.equal(page.can_decide, true);
    assert.deepEqual(
      page.waiting_for.map((w) => [w.source, w.inherited, w.department_name, w.people.map((p) => p.name)]),
      [['manager', true, parent.name, [parent.manager.name]]],
    );
    const temperature = page.readings[0]?.answers.find((a) => a.key === 'temperature');
    assert.match(temperature?.value.zh ?? '', /37\.6/);
    assert.ok(page.history.some((h) => h.event === 'notified_manager' && h.to?.[0] === parent.manager.id));

    const hr = parent.hr as TestEmployee;
    const hrPage = (await call(hr, 'GET', `/api/ra/reviews/${reviewId}`)).body as unknown as Page;
    assert.equal(hrPage.can_decide, false);
    const refused = await decide(reviewId, hr);
    assert.deepEqual([refused.status, refused.body.code], [403, 'review_not_yours']);

    assert.equal((await decide(reviewId, parent.manager)).status, 200);
    const decided = (await call(hr, 'GET', `/api/ra/reviews/${reviewId}`)).body as unknown as Page;
    assert.equal(decided.decider_name, parent.manager.name);
    assert.ok(decided.decided_at);
  });

  test('no manager or HR anywhere: company-wide HR is notified and decides; an escalated red review too', async () => {
    const [companyHr] = (await ctx.department({ size: 1 })).members as [TestEmployee];
    await grantRole(ctx.db, companyHr.id, 'hr', true);

    const orphan = await subTeam(ctx, null, 1);
    const [e] = orphan.members as [TestEmployee];
    const reviewId = await openReview(e, 37.6);
    await eventually(() => cardsFor(companyHr, reviewId).length > 0, 15_000, 'company-wide HR notified');
    const page = (await call(companyHr, 'GET', `/api/ra/reviews/${reviewId}`)).body as unknown as Page;
    assert.deepEqual(
      page.waiting_for.map((w) => w.source),
      ['company_hr'],
    );
    assert.equal((await decide(reviewId, companyHr)).status, 200);

    // A sub-team under a parent with a manager and no HR anywhere: red escalates to company HR.
    const noHrParent = await ctx.department({ size: 0, hr: false });
    const team = await subTeam(ctx, noHrParent.id, 1);
    const [f] = team.members as [TestEmployee];
    const redId = await openReview(f, 38.6);
    await eventually(() => cardsFor(noHrParent.manager, redId).length > 0, 15_000, 'parent manager notified');
    await eventually(
      async () => (await findReview(ctx.db, redId))?.history.some((h) => h.event === 'escalated'),
      20_000,
      'escalated',
    );
    await eventually(
      () => cardsFor(companyHr, redId).some((m) => m.text.includes('升级')),
      10_000,
      'HR told',
    );
    assert.equal((await decide(redId, companyHr, 'reject')).status, 200);
    const row = await findReview(ctx.db, redId);
    assert.deepEqual([row?.status, row?.decider_id], ['rejected', companyHr.id]);
  });
});
