// 代填 in a real browser: a manager signed in through DingTalk 免登 fills in for a member from the
// employee list (the shared validator's messages first), sees the 代填 chip on the record, and a
// record with a health-code photo shows the image itself.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { codePhotoField, launchBrowser, noisePng, publishFormWith, shots } from '../helpers/checkin-page.ts';
import {
  eventually,
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { signInEmployee } from '../helpers/staff-client.ts';

let ctx: TestContext;
let browser: Browser;
let dept: TestDepartment;
let photoRecordId: number;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  dept = await ctx.department({ size: 2 });
  await ctx.expectToday(dept.members);
  const [target, withPhoto] = dept.members as [TestEmployee, TestEmployee];
  await ctx.rename([target, '李四'], [withPhoto, '赵敏'], [dept.manager, '张经理']);

  // The published form gets an optional health-code photo; one member submits with a photo.
  await publishFormWith(ctx, codePhotoField);
  const up = await fetch(`${ctx.apiUrl}/api/me/attachments`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', authorization: `Bearer ${ctx.token(withPhoto.id)}` },
    body: noisePng(48),
  });
  const { id: photoId } = (await up.json()) as { id: string };
  const sent = await ctx.submit(withPhoto.id, {
    idempotencyKey: newKey(),
    answers: { ...validAnswers, codePhoto: { photoId } },
  });
  assert.equal(sent.status, 201);
  photoRecordId = (sent.body.record as { id: number }).id;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

describe('proxy check-in in the admin UI', () => {
  test('a manager fills in for a member from the employee list, sees the 代填 chip; a photo answer shows the image', async () => {
    const target = dept.members[0] as TestEmployee;
    const manager = await signInEmployee(ctx, dept.manager);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies(
      manager.cookie.split('; ').map((c) => {
        const [name = '', ...value] = c.split('=');
        return { name, value: value.join('='), url: ctx.apiUrl };
      }),
    );
    const page = await context.newPage();
    await page.goto(`${ctx.apiUrl}/admin/#/employees`);
    await page.getByTestId(`proxy-button-${target.id}`).click();
    const dialog = page.getByTestId('proxy-dialog');
    await dialog.getByText('为 李四 代填今日打卡').waitFor();

    // Nothing filled: the shared validator's messages per field, and the reason is required.
    await dialog.getByRole('button', { name: '提交代填' }).click();
    await dialog.locator('[data-error-for="temperature"]').waitFor();
    await dialog.getByText('请填写代填原因').waitFor();
    assert.equal((await dialog.locator('.fr-error').count()) >= 3, true, 'temperature, code and symptoms');
    await page.screenshot({ path: join(shots, 'proxy-dialog-errors-zh.png') });

    await dialog.getByLabel('体温').fill('36.6');
    await dialog.getByRole('group', { name: '健康码颜色' }).getByLabel('绿码').check();
    await dialog.getByRole('group', { name: '是否有不适症状' }).getByLabel('否').check();
    await dialog.getByText('照片须由员工本人上传').waitFor();
    await dialog.getByTestId('proxy-reason').fill('住院中，手机不在身边');
    await page.screenshot({ path: join(shots, 'proxy-dialog-filled-zh.png') });
    await dialog.getByRole('button', { name: '提交代填' }).click();
    await page.getByText('已为 李四 代填今日打卡').waitFor();
    await dialog.waitFor({ state: 'detached' });

    const stored = await ctx.db
      .selectFrom('health_records')
      .select(['id', 'proxy_by_employee_id'])
      .where('employee_id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.proxy_by_employee_id, dept.manager.id);

    await page.goto(`${ctx.apiUrl}/admin/#/records`);
    await page.getByTestId('proxy-chip').getByText('代填 · 张经理').waitFor();
    assert.equal(
      await page.getByTestId('proxy-chip').count(),
      1,
      'only the filled-in record carries the mark',
    );
    await page.goto(`${ctx.apiUrl}/admin/#/records/${stored.id}/show`);
    await page.getByTestId('proxy-chip').getByText('代填 · 张经理').waitFor();
    await page.screenshot({ path: join(shots, 'proxy-record-chip-zh.png') });

    // The photo is read through the scoped attachments endpoint with the session cookie.
    await page.goto(`${ctx.apiUrl}/admin/#/records/${photoRecordId}/show`);
    const img = page.getByRole('img', { name: '赵敏 的健康码截图' });
    await img.waitFor();
    // Decoded pixels, not a broken-image icon: the endpoint answered the browser's cookie.
    const naturalWidth = () =>
      img.evaluate((el) => {
        const i = el as unknown as { complete: boolean; naturalWidth: number };
        return i.complete ? i.naturalWidth : 0;
      });
    assert.equal(await eventually(naturalWidth, 10_000, 'the photo to load'), 48);
    await page.screenshot({ path: join(shots, 'proxy-record-photo-zh.png') });
    await context.close();
  });
});
