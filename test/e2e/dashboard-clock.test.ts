// The dashboard's default range is the company's, whatever the browser's clock says: the browser is
// placed on each side of the company's midnight (16:00 UTC for Shanghai) and of UTC midnight around
// the server's today, and today's heat-map cell and the range ending today must show every time.
// Lists show times on the company's clock with the browser in UTC; a non-submitter's name opens
// their history with every day; a refused policy is said in the UI's language with its values.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { addDays } from '../../domain/zoned-time.ts';
import { newKey, validAnswers, type TestContext, type TestEmployee } from '../helpers/context.ts';
import { startAdminUiSuite, type AdminUiSuite } from '../helpers/admin-ui-suite.ts';
import { shots, signInAdminUi } from '../helpers/browser.ts';

let ctx: TestContext;
let browser: Browser;
let admin: { username: string; password: string };
let members: TestEmployee[];

let suite: AdminUiSuite | undefined;

before(async () => {
  suite = await startAdminUiSuite(import.meta.filename, { worker: 'none', size: 2 });
  const { dept } = suite;
  ({ ctx, admin, browser } = suite);
  members = dept.members;
  await ctx.expectToday(dept.members);
  await ctx.submit((dept.members[0] as TestEmployee).id, { idempotencyKey: newKey(), answers: validAnswers });
});
after(async () => suite?.close());

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

/** HH:MM of an instant on a zone's wall clock. */
const hhmm = (iso: string | Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );

const switchToEnglish = async (page: Page) => {
  await page
    .getByRole('button', { name: /简体中文|语言|Language/ })
    .first()
    .click();
  await page.getByRole('menuitem', { name: 'English' }).click();
};

describe('company clock in lists, per-person history, translated refusals', () => {
  test('records and reminders show times on the company clock while the browser runs in UTC', async () => {
    const today = ((await ctx.admin('GET', '/api/company/clock')).body as { today: string }).today;
    const first = members[0] as TestEmployee;
    const second = members[1] as TestEmployee;
    const record = await ctx.db
      .selectFrom('health_records')
      .select('submitted_at')
      .where('employee_id', '=', first.id)
      .executeTakeFirstOrThrow();
    // a reminder sent at 01:30 UTC: 09:30 in Shanghai
    await ctx.db
      .insertInto('reminders_sent')
      .values({
        employee_id: second.id,
        work_date: today,
        level: 1,
        department_id: second.departmentId,
        channel: 'work_notification',
        status: 'sent',
        batch_key: 'clock-test',
        sent_at: new Date(`${today}T01:30:00Z`),
      })
      .execute();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    await signInAdminUi(page, ctx.apiUrl, admin);
    assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'UTC');

    await page.goto(`${ctx.apiUrl}/admin/#/records`);
    const submitted = page.locator('tbody tr').filter({ hasText: first.name }).locator('time[data-zone]');
    await submitted.waitFor();
    const shown = await submitted.innerText();
    const at = record.submitted_at;
    assert.ok(
      shown.includes(hhmm(at, 'Asia/Shanghai')),
      `${shown} shows Shanghai's ${hhmm(at, 'Asia/Shanghai')}`,
    );
    assert.ok(!shown.includes(hhmm(at, 'UTC')), `${shown} is not the browser's UTC time`);
    assert.equal(await submitted.getAttribute('data-zone'), 'Asia/Shanghai');

    await page.goto(`${ctx.apiUrl}/admin/#/reminders`);
    const sent = page.locator('tbody tr').filter({ hasText: second.name }).locator('time[data-zone]');
    await sent.waitFor();
    assert.match(await sent.innerText(), /09:30/);
    assert.doesNotMatch(await sent.innerText(), /01:30/);
    // the work date column: the company date as written, whatever the browser's zone
    const [y, m, d] = today.split('-').map(Number);
    assert.ok(
      await page
        .locator('tbody tr')
        .filter({ hasText: second.name })
        .getByText(`${y}年${m}月${d}日`)
        .first()
        .isVisible(),
    );
    await page.screenshot({ path: join(shots, 'admin-reminders-company-clock.png') });
    await context.close();
  });

  test("a non-submitter's name opens their history: today open, a missed day, a day of leave", async () => {
    const today = ((await ctx.admin('GET', '/api/company/clock')).body as { today: string }).today;
    const person = members[1] as TestEmployee;
    const missed = addDays(today, -1);
    const onLeave = addDays(today, -2);
    await ctx.pastDay(person, missed, 'missed', { level_reached: 3 });
    const leave = await ctx.admin('POST', '/api/ra/leaves', {
      employee_id: person.id,
      kind: 'leave',
      from_date: onLeave,
      to_date: onLeave,
      note: '年假',
    });
    assert.equal(leave.status, 201);

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    await signInAdminUi(page, ctx.apiUrl, admin);
    await page.getByTestId('non-submitters').getByRole('link', { name: person.name }).click();
    await page.waitForURL(new RegExp(`#/employees/${person.id}/show`));
    const days = page.getByTestId('person-days');
    const row = (date: string) => days.locator(`tr[data-date="${date}"]`);
    await row(today).waitFor();
    assert.equal(await row(today).getAttribute('data-outcome'), 'pending');
    assert.match(await row(today).innerText(), /尚未提交/);
    assert.equal(await row(missed).getAttribute('data-outcome'), 'missed');
    assert.match(await row(missed).innerText(), /缺卡/);
    assert.match(await row(missed).innerText(), /HR/, 'reminded up to level 3');
    assert.equal(await row(onLeave).getAttribute('data-outcome'), 'exempt');
    assert.equal(await row(onLeave).getByTestId('day-reason').innerText(), '请假（年假）');
    // every date of the month is there, weekends and holidays included
    assert.equal(await days.locator('tbody tr').count(), 31);
    await page.screenshot({ path: join(shots, 'admin-person-days-zh.png'), fullPage: true });
    await switchToEnglish(page);
    await row(missed).getByText('Missed').waitFor();
    assert.equal(await row(onLeave).getByTestId('day-reason').innerText(), 'Leave (年假)');
    await context.close();
  });

  test('a refused policy names each rule with its values, in Chinese and then in English', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signInAdminUi(page, ctx.apiUrl, admin);
    await page.goto(`${ctx.apiUrl}/admin/#/settings`);
    const level2 = page.locator('input[type="checkbox"]').nth(1);
    await level2.waitFor();
    await level2.uncheck();
    await page.getByLabel('一级：工作通知').fill('08:00');
    await page.getByRole('button', { name: '保存' }).click();
    const zh = await page.getByText('启用第 3 级').first().innerText();
    assert.match(zh, /提交的内容有误/);
    assert.match(zh, /提醒级别：启用第 3 级（HR 电话）必须同时启用第 2 级（主管）/);
    assert.match(
      zh,
      /提醒时间：时间须依次递增：开始 08:00 < 第 1 次提醒 < 第 2 次提醒 < 第 3 次提醒 < 截止 16:00/,
    );
    assert.doesNotMatch(zh, /needs level|must hold|policy\./);
    await page.screenshot({ path: join(shots, 'admin-settings-refused-zh.png') });

    await switchToEnglish(page);
    // the page may load the saved policy again after the switch: make the same two mistakes
    await page.getByLabel('Level 1: work notification').waitFor();
    await page.locator('input[type="checkbox"]').nth(1).uncheck();
    await page.getByLabel('Level 1: work notification').fill('08:00');
    await page.getByRole('button', { name: 'Save' }).click();
    const en = await page.getByText('needs level 2').first().innerText();
    assert.match(en, /Reminder levels: level 3 \(HR phone call\) needs level 2 \(manager\) to be enabled/);
    assert.match(en, /window start 08:00 < reminder 1/);
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/);
    await context.close();
  });
});
