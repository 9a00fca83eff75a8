// A manager opens the review card inside DingTalk on the phone: the admin UI signs them in by 免登
// (JSAPI codes from the fake), shows the reading, who the review waits for and its history in
// words, and labelled decision buttons that fit 360 px; the same page at 1366 px after a QR sign-in.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, TestContext, type TestDepartment, type TestEmployee } from '../helpers/context.ts';
import { launchBrowser, shots } from '../helpers/browser.ts';
import { dingtalkAppContext } from '../helpers/dingtalk-app.ts';
import { subTeam } from '../helpers/sub-team.ts';

let ctx: TestContext;
let browser: Browser;
let parent: TestDepartment;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: { REVIEW_WARNING_TIMEOUT_SECONDS: '600' },
  });
  parent = await ctx.department({ size: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

/** The one member of a new sub-team (no manager or HR of its own) under `parent`. */
const subTeamMember = async () => (await subTeam(ctx, parent.id, 1)).members[0] as TestEmployee;

/** A fever for `e`; resolves with the review card's link as the parent's manager received it. */
async function reviewCardLink(e: TestEmployee, temperature: number): Promise<string> {
  const { reviewId } = await ctx.checkIn(e, { temperature });
  assert.ok(reviewId, 'a fever opens a review');
  const card = await eventually(
    () => ctx.reviewMessages('work_notification', parent.manager.userId, reviewId)[0],
    15_000,
    'review card to the parent’s manager',
  );
  assert.ok(card.link);
  return card.link;
}

/** Each decision button shows its word (not a bare icon) on one line, inside the viewport. */
async function assertLabelledButtons(page: Page, width: number) {
  for (const name of ['通过', '驳回', '要求复测']) {
    const button = page.getByRole('button', { name, exact: true });
    await button.waitFor();
    const box = await button.boundingBox();
    assert.ok(box, `${name} is visible`);
    // one line of label is 44 px high; a label wrapped to a second line makes it over 60 px
    assert.ok(box.height <= 56, `${name} is one line high (${box.height}px)`);
    assert.ok(box.x >= 0 && box.x + box.width <= width, `${name} fits the ${width}px viewport`);
  }
}

describe('review page on the phone inside DingTalk, and on a desk', () => {
  test('360×740 in DingTalk: 免登 from the card link, reading, awaited reviewer, history in words, approve', async () => {
    const e = await subTeamMember();
    const link = await reviewCardLink(e, 38.5);
    const { context, minted } = await dingtalkAppContext(browser, ctx, parent.manager.userId, {
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(link);
    const waiting = page.getByTestId('review-waiting');
    await waiting.getByText(`上级部门主管（${parent.name}）：${parent.manager.name}`).waitFor();
    assert.equal(await page.locator('input[name="password"]').count(), 0, 'no login page');
    assert.equal(minted.length, 1, 'one 免登 code');
    await page.getByTestId('review-readings').getByText('38.5 ℃').waitFor();
    await page.getByTestId('review-readings').getByText('体温 ≥ 38.0 ℃').waitFor();
    await page.getByTestId('review-history').getByText(`已通知 ${parent.manager.name}`).waitFor();
    await page.getByTestId('review-history').getByText('发现异常，创建复核').waitFor();
    assert.doesNotMatch(await page.getByTestId('review-history').innerText(), /notified_manager|opened/);
    await assertLabelledButtons(page, 360);
    const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(scrollWidth <= 360, `nothing scrolls sideways at 360 px (${scrollWidth})`);
    await page.screenshot({ path: join(shots, 'review-mobile-dingtalk-360.png'), fullPage: true });

    await page.getByRole('button', { name: '通过', exact: true }).click();
    await page.getByTestId('review-decided').getByText(`${parent.manager.name} 于`).waitFor();
    await page.getByTestId('review-decided').getByText('处理：通过').waitFor();
    await page.getByTestId('review-history').getByText(`${parent.manager.name} 处理：通过`).waitFor();
    assert.equal(await page.getByTestId('decision-buttons').count(), 0);
    await page.screenshot({ path: join(shots, 'review-mobile-dingtalk-decided-360.png'), fullPage: true });
    await context.close();
  });

  test('1366×800 after scanning with DingTalk: labelled buttons on one line, reject', async () => {
    const e = await subTeamMember();
    const link = await reviewCardLink(e, 37.6);
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await page.goto(`${ctx.apiUrl}/admin/`);
    await page.getByTestId('dingtalk-login').click();
    await page.getByRole('link', { name: new RegExp(parent.manager.userId) }).click();
    await page.getByText('今日概况').first().waitFor();
    await page.goto(link);
    await page.getByTestId('review-waiting').getByText(parent.manager.name).waitFor();
    await assertLabelledButtons(page, 1366);
    await page.screenshot({ path: join(shots, 'review-desktop-1366.png'), fullPage: true });
    await page.getByRole('button', { name: '驳回', exact: true }).click();
    await page.getByTestId('review-decided').getByText('处理：驳回').waitFor();
    await page.close();
  });
});
