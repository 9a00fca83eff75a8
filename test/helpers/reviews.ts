// What the review tests share: a context whose reviews escalate quickly, and a decision taken
// through the decider's console session (an employee token reaches /api/me only).
import { TestContext, type TestEmployee } from './context.ts';
import { callAs } from './staff-client.ts';

/** A warning waits 60 s for the manager (tests decide well before); red escalates after 3 s. */
export const reviewContext = (testFile: string): Promise<TestContext> =>
  TestContext.create(testFile, {
    worker: 'in-process',
    env: { REVIEW_WARNING_TIMEOUT_SECONDS: '60', REVIEW_RED_TIMEOUT_SECONDS: '3' },
  });

/** `who` decides the review (approve unless told), with an optional comment. */
export async function decideReview(
  ctx: TestContext,
  reviewId: number,
  who: TestEmployee,
  decision = 'approve',
  comment?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await callAs(ctx, who, 'POST', `/api/reviews/${reviewId}/decision`, {
    decision,
    ...(comment ? { comment } : {}),
  });
  return { status: res.status, body: res.body as Record<string, unknown> };
}
