// The dashboard's default range is the company's, whatever the browser's clock says: the browser is
// placed on each side of the company's midnight (16:00 UTC for Shanghai) and of UTC midnight around
// the server's today, and today's heat-map cell and the range ending today must show every time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { addDays } from '../../domain/zoned-time.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { createLocalAccount } from '../helpers/staff-client.ts';
import { launchBrowser, signInAdminUi } from '../helpers/browser.ts';

let ctx: TestContext;
let browser: Browser;
let admin: { username: string; password: string };

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  const dept = await ctx.department({ size: 2 });
  admin = await createLocalAccount(ctx, ['admin', 'hr']);
  await ctx.expectToday(dept.members);
  await ctx.submit((dept.members[0] as TestEmployee).id, { idempotencyKey: newKey(), answers: validAnswers });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

describe('dashboard dates', () => {
  test('the default range ends on the company today with the browser clock either side of both midnights', async () => {
    const clock = (await ctx.admin('GET', '/api/company/clock')).body as { timeZone: string; today: string };
    assert.equal(clock.timeZone, 'Asia/Shanghai');
    const today = clock.today;
    // The server's today, not the machine's: compare with the zone's own wall clock.
    assert.equal(today, new Intl.DateTimeFormat('en-CA', { timeZone: clock.timeZone }).format(new Date()));
    const instants = [
      `${addDays(today, -1)}T15:59:00Z`, // 23:59 the day before in Shanghai
      `${addDays(today, -1)}T16:01:00Z`, // 00:01 today in Shanghai, still yesterday in UTC
      `${addDays(today, -1)}T23:59:00Z`,
      `${today}T00:01:00Z`,
      `${today}T15:59:00Z`,
      `${today}T16:01:00Z`, // already tomorrow in Shanghai
    ];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.clock.setFixedTime(new Date(instants[0] as string));
    await signInAdminUi(page, ctx.apiUrl, admin);
    for (const at of instants) {
      await page.clock.setFixedTime(new Date(at));
      await page.reload();
      const browserUtcDate = await page.evaluate(() => new Date().toISOString().slice(0, 10));
      assert.equal(browserUtcDate, at.slice(0, 10), 'the browser runs on the fixed clock');
      await page.getByTestId('heatmap').locator(`td[data-date="${today}"][title]`).waitFor();
      assert.equal(await page.getByTestId('range-to').inputValue(), today, `range end at ${at}`);
      assert.equal(
        await page.getByTestId('range-from').inputValue(),
        addDays(today, -13),
        `range start at ${at}`,
      );
      assert.equal(
        await page.getByTestId('heatmap').locator(`td[data-date="${today}"][title]`).innerText(),
        '50%',
      );
    }
    await context.close();
  });
});
