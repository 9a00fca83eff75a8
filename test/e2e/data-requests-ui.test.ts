// The data-rights screens in a real browser: HR opens an employee's deletion request, approves it
// with a reason and sees what was deleted; an admin sets a retention period on the settings page.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { eventually, TestContext, type TestDepartment, type TestEmployee } from '../helpers/context.ts';
import { createLocalAccount } from '../helpers/staff-client.ts';
import { launchBrowser, shots, signInAdminUi } from '../helpers/browser.ts';

let ctx: TestContext;
let browser: Browser;
let dept: TestDepartment;
let account: { username: string; password: string };

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  dept = await ctx.department({ size: 1 });
  account = await createLocalAccount(ctx, ['admin', 'hr']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

describe('data rights in the admin UI', () => {
  test('HR approves a deletion request with a reason; an admin sets the record retention', async () => {
    const e = dept.members[0] as TestEmployee;
    await ctx.checkIn(e);
    const res = await fetch(`${ctx.apiUrl}/api/me/data-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token(e.id)}` },
      body: JSON.stringify({ kind: 'deletion', message: '我已调岗，请删除我的健康记录' }),
    });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };
    // the workflow is running (HR was told) before the decision is clicked
    await eventually(() => ctx.messages('work_notification').some((m) => m.title.includes(`#${id}`)));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAdminUi(page, ctx.apiUrl, account);
    await page.goto(`${ctx.apiUrl}/admin/#/data-requests`);
    await page.getByText(e.name).first().click();
    await page.getByText('我已调岗，请删除我的健康记录').waitFor();
    await page.getByLabel('理由（员工可见）').fill('同意删除');
    await page.getByRole('button', { name: '批准' }).click();
    await page.getByTestId('data-request-outcome').getByText('已删除：1 条记录').waitFor();
    await page.screenshot({ path: join(shots, 'admin-data-request-zh.png'), fullPage: true });
    const left = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('employee_id', '=', e.id)
      .execute();
    assert.equal(left.length, 0);

    await page.goto(`${ctx.apiUrl}/admin/#/settings`);
    const card = page.getByTestId('privacy-settings');
    await card.getByLabel('打卡记录（天）').fill('90');
    await card.getByRole('button', { name: '更新隐私设置' }).click();
    await eventually(async () => {
      const r = await ctx.admin('GET', '/api/privacy/settings');
      return (r.body.settings as { recordRetentionDays: number | null }).recordRetentionDays === 90;
    });
    await page.screenshot({ path: join(shots, 'admin-privacy-settings-zh.png'), fullPage: true });
    await page.close();
  });
});
