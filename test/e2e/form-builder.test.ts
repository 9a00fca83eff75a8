// The form builder and the employee import in a real browser (Debian chromium via playwright-core):
// a new required field is built, previewed (with a visibility condition), refused by the API with a
// message on its input, fixed, published — and the employee API then demands it; CSVs of employees
// and of departments are checked and imported through the same dialog.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  eventually,
  newKey,
  validAnswers,
  type TestContext,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { startAdminUiSuite, type AdminUiSuite } from '../helpers/admin-ui-suite.ts';
import { dragWithMouse, shots, signInAdminUi } from '../helpers/browser.ts';

let ctx: TestContext;
let browser: Browser;
let dept: TestDepartment;
let admin: { username: string; password: string };

let suite: AdminUiSuite | undefined;

before(async () => {
  suite = await startAdminUiSuite(import.meta.filename, { worker: 'none', size: 2 });
  ({ ctx, dept, admin, browser } = suite);
});
after(async () => suite?.close());

const signIn = (page: Page) => signInAdminUi(page, ctx.apiUrl, admin);

describe('form builder and employee import', () => {
  test('build a form with a new required field, preview it, publish, and the employee API demands it', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signIn(page);
    await page.getByRole('menuitem', { name: '表单设计' }).click();
    await page.getByTestId('form-version-1').getByText('已发布').waitFor();
    await page.getByTestId('form-version-1').getByRole('button', { name: '以此新建草稿' }).click();
    await page.waitForURL(/#\/forms\/2$/);
    const editor = page.getByTestId('form-editor');
    await editor.locator('[data-key="temperature"]').waitFor();
    const before = await editor.locator('[data-key]').count();

    await page.getByRole('button', { name: '+ 添加字段' }).click();
    const field = page.getByTestId(`field-${before}`);
    await field.getByLabel('字段键').fill('1mask');
    await field.getByRole('combobox', { name: '类型' }).click();
    await page.getByRole('option', { name: '是/否' }).click();
    await field.getByLabel('名称 · 中文').fill('是否佩戴口罩');
    await field.getByLabel('名称 · 英文').fill('Mask worn');
    await field.getByLabel('必填').check();

    // The preview follows the unsaved draft, with the shared validator's messages.
    const preview = page.getByTestId('form-preview');
    await preview.getByText('是否佩戴口罩').waitFor();
    await preview.getByRole('button', { name: '模拟提交' }).click();
    await preview.getByText('请填写是否佩戴口罩').waitFor();
    await preview.getByRole('button', { name: 'English' }).click();
    await preview.getByText('Mask worn is required').waitFor();
    await preview.getByRole('button', { name: '中文' }).click();

    // Shown only to people without symptoms: hidden until the preview answers "no".
    await field.getByRole('button', { name: '+ 添加条件' }).click();
    const condition = field.getByTestId('condition');
    await condition.getByRole('combobox', { name: '字段' }).click();
    await page.getByRole('option', { name: '是否有不适症状 (hasSymptoms)' }).click();
    await condition.getByRole('combobox', { name: '条件' }).click();
    await page.getByRole('option', { name: '等于', exact: true }).click();
    await condition.getByRole('combobox', { name: '值' }).click();
    await page.getByRole('option', { name: '否' }).click();
    const maskInPreview = preview.getByRole('group', { name: /是否佩戴口罩/ });
    await maskInPreview.waitFor({ state: 'detached' });
    await preview
      .getByRole('group', { name: /是否有不适症状/ })
      .getByLabel('否')
      .check();
    await maskInPreview.waitFor();

    // The API refuses the bad key; the message shows on the key's input, in the UI's language.
    await page.getByRole('button', { name: '保存草稿' }).click();
    await field.getByText('字段键只能包含字母、数字和下划线，并以字母开头').waitFor();
    await page.screenshot({ path: join(shots, 'form-builder-error-zh.png'), fullPage: true });
    await field.getByLabel('字段键').fill('maskWorn');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('草稿已保存').waitFor();
    const saved = await ctx.admin('GET', '/api/forms/2');
    const stored = (saved.body.definition as { fields: { key: string; required: boolean }[] }).fields.at(-1);
    assert.deepEqual(stored, {
      ...stored,
      key: 'maskWorn',
      required: true,
      visibleWhen: [{ field: 'hasSymptoms', op: 'eq', value: false }],
    });
    await field.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'form-builder-editor-zh.png') });

    // Dragging the second field by its handle onto the first puts it first; the draft keeps that.
    const cards = editor.locator('[data-key]');
    const keys = async () => {
      const out: string[] = [];
      for (let i = 0; i < (await cards.count()); i++)
        out.push((await cards.nth(i).getAttribute('data-key')) ?? '');
      return out;
    };
    const [first, second, ...rest] = await keys();
    await dragWithMouse(
      page,
      page.getByTestId('field-1').getByRole('img', { name: '拖动排序' }),
      page.getByTestId('field-0').getByLabel('字段键'),
    );
    await eventually(async () => (await page.getByTestId('field-0').getAttribute('data-key')) === second);
    assert.deepEqual(await keys(), [second, first, ...rest]);
    await page.getByRole('button', { name: '保存草稿' }).click();
    await eventually(async () => {
      const draft = await ctx.admin('GET', '/api/forms/2');
      const order = (draft.body.definition as { fields: { key: string }[] }).fields.map((x) => x.key);
      return order[0] === second && order[1] === first;
    });

    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByText('发布表单 v2？').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: '发布' }).click();
    await page.waitForURL(/#\/forms$/);
    await page.getByTestId('form-version-2').getByText('已发布').waitFor();
    await page.getByTestId('form-version-1').getByText('已停用').waitFor();
    await page.screenshot({ path: join(shots, 'form-builder-versions-zh.png') });

    // The employee API now demands the new field.
    const [e] = dept.members as [TestEmployee];
    const without = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(without.status, 400);
    assert.ok(
      (without.body.errors as { field: string }[]).some((x) => x.field === 'answers.maskWorn'),
      JSON.stringify(without.body),
    );
    const withIt = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, maskWorn: true },
    });
    assert.equal(withIt.status, 201, JSON.stringify(withIt.body));
    assert.equal((withIt.body.record as { form_version: number }).form_version, 2);
    await page.close();
  });

  test('import employees from a CSV through the dialog: errors by line first, then a good file', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    await page.goto(`${ctx.apiUrl}/admin/#/employees`);
    await page.getByRole('button', { name: '导入' }).click();
    const dialog = page.getByRole('dialog');
    const file = (text: string) => ({
      name: 'employees.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });

    await dialog
      .getByTestId('import-file')
      .setInputFiles(
        file(`dingtalk_user_id,name,department\nui-1,张三,${dept.id}\nui-2,李四,没有这个部门\n`),
      );
    const errors = dialog.getByTestId('import-errors');
    await errors.getByText('没有部门“没有这个部门”').waitFor();
    assert.equal(await errors.locator('tbody tr td').first().textContent(), '3');
    assert.ok(await dialog.getByRole('button', { name: '确认导入' }).isDisabled());

    await dialog
      .getByTestId('import-file')
      .setInputFiles(
        file(
          `\uFEFFdingtalk_user_id,name,department,manager_user_id\nui-1,张三,${dept.id},ui-2\nui-2,李四,${dept.id},\n`,
        ),
      );
    await dialog.getByTestId('import-summary').getByText('共 2 行，将新增 2 人').waitFor();
    await page.screenshot({ path: join(shots, 'employee-import-zh.png') });
    await dialog.getByRole('button', { name: '确认导入' }).click();
    await page.getByText('已导入：新增 2 人').waitFor();
    const rows = await ctx.db
      .selectFrom('employees')
      .select(['dingtalk_user_id', 'manager_id', 'id'])
      .where('dingtalk_user_id', 'in', ['ui-1', 'ui-2'])
      .orderBy('dingtalk_user_id')
      .execute();
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.manager_id, rows[1]?.id);
    await page.getByText('张三').first().waitFor();
    await page.close();
  });

  test('import departments from a CSV through the same dialog, the parent a later row', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    await page.goto(`${ctx.apiUrl}/admin/#/departments`);
    await page.getByRole('button', { name: '导入' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('从 CSV 导入部门').waitFor();
    await dialog.getByTestId('import-file').setInputFiles({
      name: 'departments.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`名称,上级部门,主管钉钉ID\n界面二组,界面一部,${dept.manager.userId}\n界面一部,,\n`),
    });
    await dialog.getByTestId('import-summary').getByText('共 2 行，将新增 2 个部门').waitFor();
    await page.screenshot({ path: join(shots, 'department-import-zh.png') });
    await dialog.getByRole('button', { name: '确认导入' }).click();
    await page.getByText('已导入：新增 2 个部门').waitFor();
    const [group, parent] = await Promise.all(
      ['界面二组', '界面一部'].map((name) =>
        ctx.db
          .selectFrom('departments')
          .select(['id', 'parent_id', 'manager_id'])
          .where('name', '=', name)
          .executeTakeFirstOrThrow(),
      ),
    );
    assert.deepEqual([group?.parent_id, group?.manager_id], [parent?.id, dept.manager.id]);
    await page.getByText('界面二组').first().waitFor();
    await page.close();
  });
});
