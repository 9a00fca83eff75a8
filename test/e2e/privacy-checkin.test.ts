// The privacy notice and "我的数据" on the employee page in a real browser: the notice before the
// first submission (with the form's fields, the photo marked as needing consent, why location is
// asked), a submission refused for a new notice version held on the device and sent once the
// employee consents, the data download, and withdrawing consent. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { eventually, TestContext, type TestEmployee } from '../helpers/context.ts';
import { signInAdminUi } from '../helpers/browser.ts';
import { launchBrowser, shots, signedLink } from '../helpers/checkin-page.ts';
import { createLocalAccount } from '../helpers/staff-client.ts';

let ctx: TestContext;
let browser: Browser;
let members: TestEmployee[];
const phone = {
  viewport: { width: 360, height: 760 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 25 },
  permissions: ['geolocation'],
};

const text = (tag: string) => ({
  purpose: `健康监测（${tag}）`,
  audience: '仅限直属主管与 HR',
  processors: '钉钉',
  rights: '可在“我的数据”中查阅、下载、申请更正或删除',
  contact: 'dpo@example.com',
});

async function publishNotice(tag: string): Promise<number> {
  const draft = await ctx.admin('POST', '/api/privacy/notices', {
    legalBasis: 'consent',
    content: { zh: text(tag), en: text(tag) },
  });
  const version = draft.body.version as number;
  const pub = await ctx.admin('POST', `/api/privacy/notices/${version}/publish`, {});
  assert.equal(pub.status, 200);
  return version;
}

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  members = (await ctx.department({ size: 3 })).members;
  browser = await launchBrowser();
  // the form asks for the position (with why) and an optional photo that needs separate consent
  const form: FormDefinition = structuredClone(defaultForm);
  form.fields.push(
    {
      key: 'location',
      type: 'location',
      required: true,
      label: { zh: '当前位置', en: 'Location' },
      why: { zh: '用于核实是否在办公地点', en: 'To check you are at the office' },
    },
    {
      key: 'codePhoto',
      type: 'photo',
      required: false,
      requiresConsent: true,
      label: { zh: '健康码截图', en: 'Health code screenshot' },
    },
  );
  const draft = await ctx.admin('POST', '/api/forms', { definition: form });
  assert.equal((await ctx.admin('POST', `/api/forms/${draft.body.version as number}/publish`)).status, 200);
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

const member = (i: number) => members[i] as TestEmployee;
const recordsOf = (id: number) =>
  ctx.db.selectFrom('health_records').select(['id', 'employee_id']).where('employee_id', '=', id).execute();

async function fillNormal(page: Page) {
  await page.getByTestId('location-value').getByText('31.23040').waitFor();
  await page.locator('[data-field=temperature] input').fill('36.6');
  await page.locator('[data-field=healthCode]').getByLabel('绿码').check();
  await page.locator('[data-field=hasSymptoms]').getByLabel('否').check();
}

describe('privacy on the check-in page', () => {
  test('an admin writes and publishes the notice in the console', async () => {
    const admin = await createLocalAccount(ctx, ['admin', 'hr']);
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signInAdminUi(page, ctx.apiUrl, admin);
    await page.getByRole('menuitem', { name: '隐私告知' }).click();
    await page.getByTestId('notice-new').click();
    for (const [k, v] of Object.entries(text('v1'))) {
      await page.getByTestId(`notice-zh-${k}`).fill(v);
      await page.getByTestId(`notice-en-${k}`).fill(`${v} (en)`);
    }
    await page.screenshot({ path: join(shots, 'privacy-admin-editor.png'), fullPage: true });
    await page.getByTestId('notice-publish').click();
    await page.getByTestId('notice-versions').getByText('已发布').waitFor();
    const published = await ctx.db
      .selectFrom('privacy_notices')
      .selectAll()
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    assert.equal(published.legal_basis, 'consent');
    assert.equal(published.content.zh.purpose, '健康监测（v1）');
    assert.equal(published.content.en.contact, 'dpo@example.com (en)');
    await page.close();
  });

  test('the notice comes before the first submission; consent is recorded, then the form', async () => {
    const { version } = await ctx.db
      .selectFrom('privacy_notices')
      .select('version')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const e = member(0);
    await ctx.expectToday([e]);
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    const notice = page.getByTestId('privacy-notice');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-version'), String(version));
    // the form's fields, listed from the published form, the photo marked as needing consent
    await page.getByTestId('notice-fields').getByText('体温').waitFor();
    await page.getByTestId('notice-fields').getByText('需单独同意').waitFor();
    await page.getByTestId('notice-purpose').getByText('健康监测（v1）').waitFor();
    await page.screenshot({ path: join(shots, 'privacy-notice-360.png'), fullPage: true });
    assert.equal(await page.locator('[data-field=temperature]').count(), 0, 'no form before the answer');

    await page.getByTestId('notice-consent').click();
    await page.locator('[data-field=temperature]').waitFor();
    // why the position is asked (the form's own reason), the photo's default reason
    await page.getByTestId('why-location').getByText('用于核实是否在办公地点').waitFor();
    await page.getByTestId('why-codePhoto').getByText('为什么需要照片').waitFor();
    const consent = await ctx.db
      .selectFrom('privacy_consents')
      .selectAll()
      .where('employee_id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([consent.notice_version, consent.action], [version, 'consented']);
    assert.match(consent.user_agent ?? '', /Mozilla/);

    await fillNormal(page);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交成功').waitFor();
    assert.equal((await recordsOf(e.id)).length, 1);
    await context.close();
  });

  test('a new version published while the page is open: the submission is held, the notice shown, then it is sent', async () => {
    const e = member(1);
    await ctx.expectToday([e]);
    const before = (
      await ctx.db
        .selectFrom('privacy_notices')
        .select('version')
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow()
    ).version;
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('notice-consent').click();
    await page.locator('[data-field=temperature]').waitFor();
    await fillNormal(page);

    // the company publishes a new notice version before the employee presses submit
    const version = await publishNotice('v2');
    assert.ok(version > before);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByTestId('queued-waiting').waitFor();
    assert.equal(await page.getByTestId('privacy-notice').getAttribute('data-version'), String(version));
    await page.screenshot({ path: join(shots, 'privacy-held-submission-360.png'), fullPage: true });
    assert.equal((await recordsOf(e.id)).length, 0, 'refused, nothing stored');
    // kept on the device, not failed
    const held = await page.evaluate<[string, string | null][]>(`new Promise((resolve) => {
      const req = indexedDB.open('health-checkin', 1);
      req.onsuccess = () => {
        const all = req.result.transaction('submissions').objectStore('submissions').getAll();
        all.onsuccess = () => resolve(all.result.map((s) => [s.state, s.blocked ?? null]));
      };
    })`);
    assert.deepEqual(held, [['pending', 'consent']]);

    await page.getByTestId('notice-consent').click();
    await page.getByText('提交成功').waitFor({ timeout: 20_000 });
    await eventually(async () => (await recordsOf(e.id)).length === 1, 10_000, 'the held submission stored');
    await context.close();
  });

  test('我的数据: own records, download, access history, withdraw consent → the notice asks again', async () => {
    const e = member(0); // consented to v1 and submitted; v2 is current now
    const context = await browser.newContext({ ...phone, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(await signedLink(ctx, e));
    await page.getByTestId('notice-consent').click();
    await page.getByText('提交成功').waitFor();
    const [record] = await recordsOf(e.id);

    // HR reads the record: the employee sees it
    await ctx.admin('GET', `/api/ra/records/${record?.id}`);
    await page.getByTestId('toggle-my-data').click();
    await page.getByTestId('my-records').locator(`[data-record-id="${record?.id}"]`).waitFor();
    await page.getByTestId('access-history').locator('li').first().waitFor();
    await page.getByTestId('privacy-state').getByText('已同意').waitFor();
    await page.screenshot({ path: join(shots, 'privacy-my-data-360.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-json').click(),
    ]);
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      employee: { id: number };
      records: { id: number }[];
    };
    assert.equal(data.employee.id, e.id);
    assert.deepEqual(
      data.records.map((r) => r.id),
      [record?.id],
    );

    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('withdraw-consent').click();
    await page.getByTestId('privacy-state').and(page.locator('[data-state=withdrawn]')).waitFor();
    await page.getByTestId('toggle-my-data').click();
    await page.getByTestId('privacy-notice').getByTestId('consent-withdrawn').waitFor();
    const me = await ctx.db
      .selectFrom('employees')
      .select('privacy_state')
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.equal(me.privacy_state, 'withdrawn');
    await context.close();
  });
});
