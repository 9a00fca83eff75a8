// The employee page in a real browser (Debian chromium via playwright-core) against the real API,
// Postgres, Temporal worker and DingTalk fake: signed link and 免登 sign-in, filling, confirmation and
// pass, offline filling through the service worker and IndexedDB, a server outage, geolocation,
// photos, and per-field errors in both languages. Screenshots at 360 px go to test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { insertRecord, openRecord } from '../../db/repositories/records.ts';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import {
  launchBrowser,
  noisePng,
  publishFormWithLocationAndPhoto,
  shots,
  signedLink,
} from '../helpers/checkin-page.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { dingtalkAppContext } from '../helpers/dingtalk-app.ts';
import { keyringOf } from '../../db/sealed-fields.ts';

let ctx: TestContext;
let browser: Browser;
let members: TestEmployee[];
const phone = { viewport: { width: 360, height: 760 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  members = (await ctx.department({ size: 11 })).members;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

const member = (i: number) => members[i] as TestEmployee;

const records = async (employeeId: number) =>
  (await ctx.db.selectFrom('health_records').selectAll().where('employee_id', '=', employeeId).execute()).map(
    (r) => openRecord(r, keyringOf(ctx.db)),
  );

async function fillNormal(page: Page, temperature = '36.6') {
  await page.locator('[data-field=temperature] input').fill(temperature);
  await page.locator('[data-field=healthCode]').getByLabel('绿码').check();
  await page.locator('[data-field=hasSymptoms]').getByLabel('否').check();
}

/** Waits until the service worker controls the page and holds today's form. */
async function offlineReady(page: Page) {
  // (browser-side code as text: the test project is typed for Node, without the DOM library)
  await page.evaluate(`(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 200 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 50));
  })()`);
  // The first load ran before the worker controlled the page: load once more through it.
  await page.reload();
  await page.locator('[data-field=temperature]').waitFor();
  await eventually(
    () => page.evaluate(`caches.match('/api/me/today', { ignoreSearch: true }).then(Boolean)`),
    15_000,
    "today's form in the service worker's cache",
  );
}

const syncState = (page: Page) => page.getByTestId('sync-state');

describe('employee check-in page', () => {
  test('signed link → fill → submit → confirmation with pass; the record is stored and the ladder stops', async () => {
    const e = member(0);
    // One compressed hour is 6 s: level 1 arrives first, then the employee opens the link.
    const schedule = await ctx.schedule(600);
    await ctx.startDay([e], schedule);
    await eventually(() => ctx.messages('work_notification', e.userId).length > 0, 60_000, 'level-1 card');

    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('hello').getByText(e.name).waitFor();
    assert.ok(!page.url().includes('t='), 'the link token leaves the address bar once exchanged');
    await fillNormal(page);
    await page.screenshot({ path: join(shots, 'checkin-form-zh-360.png'), fullPage: true });
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    await page.getByTestId('severity').getByText('健康状况正常').waitFor();
    await page.getByTestId('stored-at').getByText('服务器记录时间').waitFor();
    const pass = page.getByTestId('pass');
    await pass.waitFor();
    assert.equal(await pass.getAttribute('data-colour'), 'green');
    await page.screenshot({ path: join(shots, 'checkin-confirmation-zh-360.png'), fullPage: true });

    const [row] = await records(e.id);
    assert.ok(row);
    assert.equal(row.identity_check, 'link-token');
    assert.ok(row.client_submitted_at, 'the client timestamp is stored');
    assert.equal(row.answers.temperature, 36.6);

    const result = await ctx.dayResult(schedule.workDate, e.id);
    assert.equal(result.outcome, 'submitted');
    const submittedAt = row.submitted_at.getTime();
    const later = ctx.fake.state.messages.filter(
      (m) =>
        Date.parse(m.receivedAt) > submittedAt &&
        (m.to.includes(e.userId) || m.to.includes(e.unionId) || m.text.includes(e.name)),
    );
    assert.deepEqual(later, [], 'no reminder after the submission');

    // The QR code opens the guard's page: valid, green, with name, department and date.
    const verifyUrl = (await page.getByTestId('pass-qr').getAttribute('data-url')) ?? '';
    const guard = await context.newPage();
    await guard.goto(verifyUrl.replace(ctx.config.api.publicBaseUrl, ctx.apiUrl));
    const verdict = guard.getByTestId('verify-result');
    await verdict.getByRole('heading', { name: '可通行', exact: true }).waitFor();
    assert.equal(await verdict.getAttribute('data-colour'), 'green');
    assert.equal(await verdict.getAttribute('data-allowed'), 'true');
    await verdict.getByText(e.name).waitFor();
    await verdict.getByText(schedule.workDate).waitFor();
    await guard.screenshot({ path: join(shots, 'pass-verify-valid-360.png') });
    await guard.goto(`${ctx.apiUrl}/pass/verify?p=forged.token`);
    await verdict.getByRole('heading', { name: '不可通行' }).waitFor();
    await verdict.getByText('通行码无效或已过期').waitFor();
    assert.equal(await verdict.getAttribute('data-valid'), 'false');
    await context.close();
  });

  test('a red day shows a red pass, never green, on the page and at the gate', async () => {
    const e = member(1);
    await ctx.expectToday([e]);
    const r = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 38.4 },
    });
    assert.equal(r.status, 201);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('severity').getByText('体温 ≥ 38.0 ℃').waitFor();
    await page.getByTestId('severity').getByText('已通知主管复核').waitFor();
    await page.getByTestId('review-status').getByText('待复核').waitFor();
    const pass = page.getByTestId('pass');
    await pass.waitFor();
    assert.equal(await pass.getAttribute('data-colour'), 'red');
    await page.screenshot({ path: join(shots, 'checkin-red-pass-360.png'), fullPage: true });
    const verifyUrl = (await page.getByTestId('pass-qr').getAttribute('data-url')) ?? '';
    await page.goto(verifyUrl.replace(ctx.config.api.publicBaseUrl, ctx.apiUrl));
    const verdict = page.getByTestId('verify-result');
    await verdict.getByText('红色：不可通行').waitFor();
    assert.equal(await verdict.getAttribute('data-colour'), 'red');
    // The headline is the decision, big and red, not "valid" (the pass itself is genuine).
    const headline = verdict.getByRole('heading', { name: '不可通行' });
    await headline.waitFor();
    assert.equal(await verdict.getAttribute('data-allowed'), 'false');
    const style = (prop: string) =>
      page.evaluate(`getComputedStyle(document.querySelector('[data-testid=verify-result] h2')).${prop}`);
    assert.equal(await style('color'), 'rgb(207, 19, 34)');
    assert.ok(Number.parseFloat(String(await style('fontSize'))) >= 40);
    await context.close();
  });

  test('免登 inside DingTalk: the package asks the app for codes (from the fake); re-auth before submit', async () => {
    const e = member(2);
    await ctx.expectToday([e]);
    // The DingTalk Android app as the package sees it: its user agent and its native bridge.
    const { context, minted } = await dingtalkAppContext(browser, ctx, e.userId, phone);
    const page = await context.newPage();
    await page.goto(`${ctx.apiUrl}/checkin`);
    await page.getByTestId('hello').getByText(e.name).waitFor();
    await fillNormal(page);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    const [row] = await records(e.id);
    assert.equal(row?.identity_check, 'dingtalk-reauth');
    assert.equal(minted.length, 2, 'one code to sign in, a fresh one bound to the submission');
    for (const code of minted)
      assert.equal(ctx.fake.state.redeemAuthCode(code), undefined, 'codes were used up');
    await context.close();
  });

  test('offline: submit, reload while offline (page from the service worker, 待同步), online → one record, 已同步', async () => {
    const e = member(3);
    await ctx.expectToday([e]);
    // Chromium's offline emulation does not cover requests a service worker lets through, so the
    // connection itself is cut too (the page talks to the API through a proxy we can unplug).
    const proxy = await startTcpProxy(new URL(ctx.apiUrl).host);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e, `http://${proxy.address}`));
    await offlineReady(page);

    proxy.cut();
    await context.setOffline(true);
    await fillNormal(page, '36.8');
    await page.getByRole('button', { name: '提交' }).click();
    await syncState(page).getByText('待同步').waitFor();
    await page.reload();
    await syncState(page).getByText('待同步').waitFor();
    await page.getByText('当前离线').waitFor();
    await page.screenshot({ path: join(shots, 'checkin-offline-pending-360.png'), fullPage: true });
    assert.equal((await records(e.id)).length, 0);

    proxy.restore();
    await context.setOffline(false);
    await syncState(page).getByText('已同步').waitFor({ timeout: 20_000 });
    await page.getByText('提交成功').waitFor();
    const rows = await records(e.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.answers.temperature, 36.8);
    assert.ok(rows[0]?.client_submitted_at && rows[0].client_submitted_at < rows[0].submitted_at);
    await page.reload();
    await page.getByText('提交成功').waitFor();
    assert.equal((await records(e.id)).length, 1, 'opening again sends nothing twice');
    await page.screenshot({ path: join(shots, 'checkin-synced-360.png'), fullPage: true });
    await context.close();
    await proxy.close();
  });

  test('server unreachable for 30 s (the seed scenario), then back: the queued submission arrives once', async () => {
    const e = member(4);
    await ctx.expectToday([e]);
    const proxy = await startTcpProxy(new URL(ctx.apiUrl).host);
    const context = await browser.newContext(phone);
    try {
      const page = await context.newPage();
      await page.goto(await signedLink(ctx, e, `http://${proxy.address}`));
      await page.getByTestId('hello').getByText(e.name).waitFor();
      await fillNormal(page);
      proxy.cut();
      await page.getByRole('button', { name: '提交' }).click();
      await syncState(page).getByText('待同步').waitFor();
      await new Promise((r) => setTimeout(r, 30_000));
      assert.equal((await records(e.id)).length, 0);
      proxy.restore();
      await syncState(page).getByText('已同步').waitFor({ timeout: 20_000 });
      assert.equal((await records(e.id)).length, 1);
    } finally {
      await context.close();
      await proxy.close();
    }
  });

  test('validation errors per field in Chinese and English; language switch', async () => {
    const e = member(5);
    await ctx.expectToday([e]);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.locator('[data-field=temperature] input').fill('45');
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('[data-error-for=temperature]').getByText('体温不能高于 43 ℃').waitFor();
    await page.locator('[data-error-for=healthCode]').getByText('请填写健康码颜色').waitFor();
    await page.locator('[data-error-for=hasSymptoms]').getByText('请填写是否有不适症状').waitFor();
    await page.screenshot({ path: join(shots, 'checkin-errors-zh-360.png'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page
      .locator('[data-error-for=temperature]')
      .getByText('Temperature must be at most 43 ℃')
      .waitFor();
    await page.locator('[data-error-for=healthCode]').getByText('Health code colour is required').waitFor();
    await page.getByRole('button', { name: 'Submit' }).waitFor();
    await page.screenshot({ path: join(shots, 'checkin-errors-en-360.png'), fullPage: true });
    assert.equal((await records(e.id)).length, 0, 'nothing was sent');
    await context.close();
  });

  test('prefill: vaccination and travel from the last record, marked 已按上次填写; temperature never', async () => {
    const e = member(6);
    const today = (await ctx.schedule(1)).workDate;
    await insertRecord(ctx.db, {
      employee_id: e.id,
      department_id: e.departmentId,
      work_date: '2020-01-02',
      submitted_at: new Date('2020-01-02T01:00:00Z'),
      answers: { ...validAnswers, temperature: 36.9, vaccinationDoses: 3, travel14d: true },
      reasons: [],
      status: 'on_time',
      idempotency_key: newKey(),
      form_version: 1,
    });
    await ctx.expectToday([e]);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    const doses = page.locator('[data-field=vaccinationDoses]');
    await doses.getByText('已按上次填写').waitFor();
    assert.equal(await doses.locator('input').inputValue(), '3');
    assert.ok(await page.locator('[data-field=travel14d]').getByLabel('是').isChecked());
    await page.locator('[data-field=travel14d]').getByText('已按上次填写').waitFor();
    assert.equal(await page.locator('[data-field=temperature] input').inputValue(), '');
    assert.equal(await page.locator('[data-field=temperature]').getByText('已按上次填写').count(), 0);
    await fillNormal(page);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    const row = (await records(e.id)).find((r) => r.work_date === today);
    assert.equal(row?.answers.vaccinationDoses, 3);
    assert.equal(row?.answers.travel14d, true);
    await context.close();
  });

  // These publish a form with location and photo fields, so they run last.
  test('geolocation granted: the emulated position is stored with its accuracy; a photo is shrunk and uploaded', async () => {
    await publishFormWithLocationAndPhoto(ctx);
    const e = member(7);
    await ctx.expectToday([e]);
    const context = await browser.newContext({
      ...phone,
      geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 25 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('location-value').getByText('31.23040, 121.47370 (±25 m)').waitFor();
    const big = noisePng(700);
    assert.ok(big.length > 1_000_000, 'the original is far over the limit');
    await page.locator('[data-field=codePhoto] input[type=file]').setInputFiles({
      name: 'code.png',
      mimeType: 'image/png',
      buffer: big,
    });
    await page.getByTestId('photo-status').getByText('已上传').waitFor({ timeout: 20_000 });
    await fillNormal(page);
    await page.screenshot({ path: join(shots, 'checkin-location-photo-360.png'), fullPage: true });
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    const [row] = await records(e.id);
    assert.deepEqual(row?.answers.location, { lat: 31.2304, lng: 121.4737, accuracy: 25 });
    const photoId = (row?.answers.codePhoto as { photoId: string }).photoId;
    const att = await ctx.db
      .selectFrom('attachments')
      .select(['record_id', 'size_bytes', 'content_type'])
      .where('id', '=', photoId)
      .executeTakeFirstOrThrow();
    assert.equal(att.record_id, row?.id);
    assert.equal(att.content_type, 'image/jpeg');
    assert.ok(att.size_bytes <= 300 * 1024, `shrunk to ${att.size_bytes} bytes`);
    const img = await fetch(`${ctx.apiUrl}/api/records/${row?.id}/attachments/${photoId}`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    await context.close();
  });

  test('geolocation denied: the page says so and the record stores "not provided"', async () => {
    const e = member(8);
    await ctx.expectToday([e]);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('location-value').getByText('未提供').waitFor();
    await page.getByText('未授权定位').waitFor();
    await fillNormal(page);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    const [row] = await records(e.id);
    assert.deepEqual(row?.answers.location, { status: 'not_provided' });
    await context.close();
  });

  test('after the window: late says until when, closed says so before any form, in both languages and company time', async () => {
    const hm = (d: Date) =>
      new Intl.DateTimeFormat('zh-CN', {
        timeZone: 'Asia/Shanghai',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(d);
    const moveWindow = async (e: TestEmployee, closesAt: Date, lateUntil: Date) => {
      const s = await ctx.expectToday([e]);
      await ctx.db
        .updateTable('checkin_days')
        .set({ closes_at: closesAt, late_until: lateUntil })
        .where('employee_id', '=', e.id)
        .where('work_date', '=', s.workDate)
        .execute();
    };
    const hour = 3_600_000;
    const late = member(9);
    const closesAt = new Date(Date.now() - hour);
    const lateUntil = new Date(Date.now() + hour);
    await moveWindow(late, closesAt, lateUntil);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, late));
    const banner = page.getByTestId('window-state');
    await banner.getByText(`已过 ${hm(closesAt)} 的截止时间`).waitFor();
    await banner.getByText(`${hm(lateUntil)} 后不再接受`).waitFor();
    await fillNormal(page);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    assert.equal((await records(late.id))[0]?.status, 'late');

    const closed = member(10);
    const closedAt = new Date(Date.now() - hour);
    await moveWindow(closed, new Date(Date.now() - 2 * hour), closedAt);
    await page.goto(await signedLink(ctx, closed));
    const notice = page.getByTestId('window-state');
    await notice.getByText(`今日打卡已于 ${hm(closedAt)} 截止`).waitFor();
    assert.equal(await notice.getAttribute('data-state'), 'closed');
    assert.equal(await page.locator('form').count(), 0, 'no form to fill in after the window');
    await page.screenshot({ path: join(shots, 'checkin-closed-360.png') });
    await page.getByRole('button', { name: 'English' }).click();
    await notice.getByText(`Today's check-in closed at ${hm(closedAt)}`).waitFor();
    await context.close();
  });
});
