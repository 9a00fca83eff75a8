// The employee page when the API process is busy (issue #15): the server refuses the submission
// with 503 overloaded and Retry-After (SUBMIT_MAX_IN_FLIGHT=1, one submission held in progress by a
// lock on health_records); the page keeps the answers on the phone, says so calmly in both
// languages, and resends them with the same idempotency key after the wait: stored once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { launchBrowser, signedLink } from '../helpers/checkin-page.ts';

let ctx: TestContext;
let browser: Browser;
let members: TestEmployee[];

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    env: { SUBMIT_MAX_IN_FLIGHT: '1' },
  });
  members = (await ctx.department({ size: 2 })).members;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

const records = (employeeId: number) =>
  ctx.db
    .selectFrom('health_records')
    .select(['idempotency_key'])
    .where('employee_id', '=', employeeId)
    .execute();

describe('check-in page under load', () => {
  test('503 busy: kept on the phone with 服务繁忙, resent after Retry-After with the same key, stored once', async () => {
    const [other, e] = members as [TestEmployee, TestEmployee];
    await ctx.expectToday([other, e]);
    const context = await browser.newContext({ viewport: { width: 360, height: 760 }, isMobile: true });
    const lock = new pg.Client({ connectionString: ctx.config.databaseUrl });
    await lock.connect();
    let locked = false;
    try {
      const page = await context.newPage();
      const sent: { key: string; at: number; status?: number }[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/me/checkins'))
          sent.push({ key: (r.postDataJSON() as { idempotencyKey: string }).idempotencyKey, at: Date.now() });
      });
      page.on('response', (r) => {
        if (r.request().method() === 'POST' && r.url().endsWith('/api/me/checkins')) {
          const s = sent.find((x) => x.status === undefined);
          if (s) s.status = r.status();
        }
      });
      await page.goto(await signedLink(ctx, e));
      await page.getByTestId('hello').getByText(e.name).waitFor();
      await page.locator('[data-field=temperature] input').fill('36.6');
      await page.locator('[data-field=healthCode]').getByLabel('绿码').check();
      await page.locator('[data-field=hasSymptoms]').getByLabel('否').check();

      // the process's one slot is taken by a submission whose insert waits for the lock
      await lock.query('begin');
      locked = true;
      await lock.query('lock table health_records in share mode');
      const held = ctx.submit(other.id, { idempotencyKey: newKey(), answers: validAnswers });
      await eventually(
        async () => {
          const text = await (await fetch(`${ctx.apiUrl}/metrics`)).text();
          return /^hc_submissions_in_flight 1$/m.test(text);
        },
        30_000,
        'the held submission in progress',
      );

      await page.getByRole('button', { name: '提交' }).click();
      await page.getByTestId('busy').getByText('服务繁忙，已保存在本机，稍后自动重试').waitFor();
      await page.getByTestId('sync-state').getByText('待同步').waitFor();
      assert.equal(sent[0]?.status, 503);
      await page.getByRole('button', { name: 'English' }).click();
      await page
        .getByTestId('busy')
        .getByText('Busy: saved on this device, will retry automatically')
        .waitFor();
      assert.equal(sent.length, 1, 'nothing resent before Retry-After');

      await lock.query('rollback');
      locked = false;
      assert.equal((await held).status, 201);
      await page.getByTestId('sync-state').getByText('Synced').waitFor({ timeout: 30_000 });
      assert.equal(sent.length, 2);
      const [first, second] = sent as [(typeof sent)[0], (typeof sent)[0]];
      assert.equal(second.key, first.key, 'the same idempotency key');
      assert.equal(second.status, 201);
      assert.ok(second.at - first.at >= 5000, `resent after Retry-After (5 s): ${second.at - first.at} ms`);
      assert.deepEqual(await records(e.id), [{ idempotency_key: first.key }]);
    } finally {
      if (locked) await lock.query('rollback');
      await lock.end();
      await context.close();
    }
  });
});
