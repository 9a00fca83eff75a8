// The admin UI in a real browser (Debian chromium via playwright-core): sign in, the Chinese
// dashboard with live figures, a review, a record rendered with its form, switching to English.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  eventually,
  newKey,
  validAnswers,
  type TestContext,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { startAdminUiSuite, type AdminUiSuite } from '../helpers/admin-ui-suite.ts';
import { shots, signInAdminUi } from '../helpers/browser.ts';

let ctx: TestContext;
let browser: Browser;
let dept: TestDepartment;
let admin: { username: string; password: string };

let suite: AdminUiSuite | undefined;

before(async () => {
  suite = await startAdminUiSuite(import.meta.filename, { worker: 'in-process', size: 3 });
  ({ ctx, dept, admin, browser } = suite);
  await ctx.expectToday(dept.members);
  await ctx.rename([dept.members[0] as TestEmployee, '王小明'], [dept.members[2] as TestEmployee, '陈静']);
  await ctx.submit((dept.members[0] as TestEmployee).id, {
    idempotencyKey: newKey(),
    answers: { ...validAnswers, temperature: 38.3 },
  });
});
after(async () => suite?.close());

describe('admin UI', () => {
  test('sign in, Chinese dashboard with totals and non-submitters, a review and a record, then English', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAdminUi(page, ctx.apiUrl, admin);
    await page.getByTestId('total-expected').getByText('3').waitFor();
    await page.getByTestId('total-submitted').getByText('1').waitFor();
    await page.getByTestId('non-submitters').getByText('陈静').waitFor();
    await page.getByText('部门打卡率热力图').waitFor();
    await page.screenshot({ path: join(shots, 'admin-dashboard-zh.png'), fullPage: true });

    // A heat-map cell opens that department's records of that day.
    await page.getByTestId('heatmap').locator('td[title]').first().click();
    await page.waitForURL(/#\/records\?filter=/);
    await page.getByText('王小明').first().waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1, 'only the records of that department and day');

    await page.goto(`${ctx.apiUrl}/admin/#/reviews`);
    await page.getByText('王小明').first().click();
    await page.getByText('体温 ≥ 38.0 ℃').waitFor();
    await page.getByText('待复核').first().waitFor();

    // 一键提醒 from the live list: the person is queued once; the button then says so.
    const chen = dept.members[2] as TestEmployee;
    await page.goto(`${ctx.apiUrl}/admin/#/`);
    await page.getByTestId(`remind-now-${chen.id}`).click();
    await page.getByText('已发出提醒 1 人；今天已提醒过 0 人').waitFor();
    await page.getByTestId(`remind-now-${chen.id}`).getByText('已提醒').waitFor();

    // The records list: temperature and health code columns; a name opens the person's history.
    await page.goto(`${ctx.apiUrl}/admin/#/records`);
    await page.locator('tbody tr').filter({ hasText: '王小明' }).getByText('38.3 ℃').waitFor();
    await page.locator('tbody tr').filter({ hasText: '王小明' }).getByText('绿码').waitFor();
    await page.locator('tbody tr').getByRole('link', { name: '王小明' }).first().click();
    await page.waitForURL(/#\/employees\/\d+\/show/);
    await page.getByRole('tab', { name: '每日记录' }).waitFor();
    await page.getByText('38.3 ℃').first().waitFor();
    await page.getByRole('tab', { name: '提醒' }).waitFor();
    await page.screenshot({ path: join(shots, 'admin-employee-history-zh.png') });

    await page.goto(`${ctx.apiUrl}/admin/#/records`);
    await page.locator('tbody tr').filter({ hasText: '王小明' }).locator('td').first().click();
    const answers = page.getByTestId('answers');
    await answers.getByText('健康码颜色').waitFor();
    await answers.getByText('38.3 ℃').waitFor();
    await page.screenshot({ path: join(shots, 'admin-record-zh.png') });

    // Exports: a small Excel report downloads at once.
    await page.goto(`${ctx.apiUrl}/admin/#/exports`);
    await page.getByText('报表导出').first().waitFor();
    // every report holds health data: its purpose is asked first (PIPL)
    await page.getByTestId('export-purpose').fill('月度健康统计');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出' }).click(),
    ]);
    // named by content: company-wide, from the default range's first to last company date
    assert.match(download.suggestedFilename(), /^健康打卡_全公司_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
    await page.screenshot({ path: join(shots, 'admin-exports-zh.png') });

    // Settings: a new policy version, in force from tomorrow.
    await page.goto(`${ctx.apiUrl}/admin/#/settings`);
    await page.getByLabel('一级：工作通知').fill('09:30');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('policy-versions').getByText('09:30 / 12:00 / 15:00').waitFor();
    assert.equal(
      ((await ctx.admin('GET', '/api/policy')).body.current as { reminderTimes: string[] }).reminderTimes[0],
      '09:00',
      'today unchanged',
    );
    await page.screenshot({ path: join(shots, 'admin-settings-zh.png') });

    // Work calendar: a year the package does not know shows a warning; a company day off is added.
    await page.goto(`${ctx.apiUrl}/admin/#/calendar`);
    await page.getByLabel('年份').fill('2031');
    await page.getByText('尚无 2031 年的法定节假日数据').waitFor();
    await page.locator('input[type="date"]').fill('2031-01-06');
    await page.getByLabel('备注').fill('公司团建');
    await page.getByRole('button', { name: '增加' }).click();
    await page.getByTestId('calendar-days').getByText('公司团建').waitFor();

    // Leave entered for today: the person leaves the live non-submitter list.
    await page.goto(`${ctx.apiUrl}/admin/#/leaves/create`);
    await page.getByLabel('员工').fill('陈');
    await page.getByRole('option', { name: '陈静' }).click();
    const today = (await ctx.admin('GET', '/api/dashboard/today')).body.workDate as string;
    await page.getByLabel('开始日期').fill(today);
    await page.getByLabel('结束日期').fill(today);
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('请假').first().waitFor();
    await page.goto(`${ctx.apiUrl}/admin/#/`);
    await page.getByTestId('non-submitters').getByText('员工1').waitFor();
    await page
      .getByTestId('non-submitters')
      .getByText('陈静')
      .waitFor({ state: 'detached', timeout: 15_000 });
    const day = await ctx.db
      .selectFrom('checkin_days')
      .select('outcome')
      .where('work_date', '=', today)
      .execute();
    assert.equal(day.filter((d) => d.outcome === 'exempt').length, 1);

    // The locale menu switches the whole UI to English.
    // (straight to the record: the list may still be refetching its remembered filter and re-rendering rows)
    const wang = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('employee_id', '=', (dept.members[0] as TestEmployee).id)
      .executeTakeFirstOrThrow();
    await page.goto(`${ctx.apiUrl}/admin/#/records/${wang.id}/show`);
    await page.getByText('王小明').first().waitFor();
    await answers.waitFor();
    // a click while the page still settles can miss the menu: ask again until the UI is English
    const english = answers.getByText('Health code colour');
    await eventually(
      async () => {
        if (await english.isVisible()) return true;
        await page.keyboard.press('Escape');
        await page
          .getByRole('button', { name: /简体中文|语言|Language/ })
          .first()
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        await page
          .getByRole('menuitem', { name: 'English' })
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        await english.waitFor({ timeout: 5_000 }).catch(() => undefined);
        return (await english.isVisible()) || null;
      },
      40_000,
      'the record in English',
    );
    assert.ok(await page.getByText('Answers').first().isVisible());
    await page.close();
  });

  test('free text with markup is shown as text, never run (stored verbatim, rendered escaped)', async () => {
    const markup = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><b>粗体</b>';
    const created = await ctx.admin('POST', '/api/ra/leaves', {
      employee_id: (dept.members[1] as TestEmployee).id,
      kind: 'business_trip',
      from_date: '2031-05-06',
      to_date: '2031-05-07',
      note: markup,
    });
    assert.equal(created.status, 201);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAdminUi(page, ctx.apiUrl, admin);
    await page.goto(`${ctx.apiUrl}/admin/#/leaves`);
    await page.getByText(markup).waitFor();
    assert.equal(await page.evaluate('typeof window.__xss'), 'undefined');
    assert.equal(
      await page.locator('b', { hasText: '粗体' }).count(),
      0,
      'no element was created from the text',
    );
    await page.close();
  });

  test('a manager signs in by scanning with DingTalk, approves a pending review, and the employee is told', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${ctx.apiUrl}/admin/`);
    await page.getByTestId('dingtalk-login').click();
    // the fake's login page lists the directory; "scanning" as the manager
    await page.getByRole('link', { name: new RegExp(dept.manager.userId) }).click();
    await page.getByText('今日概况').first().waitFor();
    await page.goto(`${ctx.apiUrl}/admin/#/reviews`);
    await page.getByText('王小明').first().click();
    await page.getByLabel('处理意见').fill('已电话确认，在家休息');
    await page.getByRole('button', { name: '通过', exact: true }).click();
    await page.getByText('已通过').first().waitFor();
    await page.screenshot({ path: join(shots, 'admin-review-approved-zh.png') });
    const employee = dept.members[0] as TestEmployee;
    await eventually(
      () =>
        ctx
          .messages('work_notification', employee.userId)
          .some((m) => JSON.stringify(m).includes('复核已通过')),
      20_000,
      'the employee hears the review was approved',
    );
    const review = await ctx.db
      .selectFrom('reviews')
      .selectAll()
      .where('employee_id', '=', employee.id)
      .executeTakeFirstOrThrow();
    assert.equal(review.status, 'approved');
    assert.equal(review.decider_id, dept.manager.id);
    // a manager's menu has no audit log or settings
    assert.equal(await page.getByRole('menuitem', { name: '审计日志' }).count(), 0);
    await page.close();
  });
});
