// Form versions through the API: drafts, publishing, old records keeping their version.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => ctx.close());

const admin = (method: string, path: string, body?: unknown) => ctx.admin(method, path, body);

describe('form versions', () => {
  test('publishing a new version changes new records only; old ones render with their own version', async () => {
    const dept = await ctx.department({ size: 3 });
    const [a, b, c] = dept.members as [TestEmployee, TestEmployee, TestEmployee];
    const current = await admin('GET', '/api/forms/current');
    assert.deepEqual([current.status, current.body.version, current.body.status], [200, 1, 'published']);
    const before = await ctx.submit(a.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, nucleicAcid: 'positive' },
    });
    assert.equal(
      (before.body.record as { severity: string }).severity,
      'normal',
      'v1 has no rule on nucleic acid',
    );

    const v2: FormDefinition = structuredClone(defaultForm);
    const temp = v2.fields.find((f) => f.key === 'temperature');
    const na = v2.fields.find((f) => f.key === 'nucleicAcid');
    assert.ok(temp && na);
    temp.label = { zh: '今日体温', en: "Today's temperature" };
    na.rules = [{ op: 'eq', value: 'positive', severity: 'red' }];
    v2.fields.push({
      key: 'maskWorn',
      type: 'boolean',
      required: true,
      label: { zh: '是否佩戴口罩', en: 'Mask worn' },
    });

    assert.equal((await admin('POST', '/api/forms', { definition: { fields: [] } })).status, 400);
    const draft = await admin('POST', '/api/forms', { definition: v2, note: 'add mask field' });
    assert.deepEqual([draft.status, draft.body.status], [201, 'draft']);
    const version = draft.body.version as number;
    assert.equal(
      (await admin('PUT', `/api/forms/${version}`, { definition: v2, note: 'edited' })).status,
      200,
    );
    assert.equal((await admin('POST', `/api/forms/${version}/publish`)).status, 200);
    assert.equal(
      (await admin('POST', `/api/forms/${version}/publish`)).status,
      409,
      'only drafts are published',
    );
    assert.equal(
      (await admin('PUT', '/api/forms/1', { definition: v2 })).status,
      409,
      'published versions are frozen',
    );
    const all = await fetch(`${ctx.apiUrl}/api/forms`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    const statuses = ((await all.json()) as { version: number; status: string }[]).map((f) => [
      f.version,
      f.status,
    ]);
    assert.deepEqual(statuses, [
      [version, 'published'],
      [1, 'retired'],
    ]);

    // New submissions follow v2: the new required field, the admin's rule.
    const missing = await ctx.submit(b.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(missing.status, 400);
    assert.ok((missing.body.errors as { field: string }[]).some((e) => e.field === 'answers.maskWorn'));
    const after = await ctx.submit(b.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, maskWorn: true, nucleicAcid: 'positive' },
    });
    assert.equal(after.status, 201);
    assert.deepEqual(
      [
        (after.body.record as { severity: string }).severity,
        (after.body.record as { form_version: number }).form_version,
      ],
      ['red', version],
    );
    // An offline resend made on v1 is judged by v1.
    const offline = await ctx.submit(c.id, {
      idempotencyKey: newKey(),
      formVersion: 1,
      answers: validAnswers,
    });
    assert.deepEqual(
      [offline.status, (offline.body.record as { form_version: number }).form_version],
      [201, 1],
    );

    // The old record still renders with v1's labels.
    const oldId = (before.body.record as { id: number }).id;
    const shown = await admin('GET', `/api/records/${oldId}`);
    const rendered = shown.body.rendered as { key: string; label: { zh: string } }[];
    assert.equal(shown.body.formVersion, 1);
    assert.equal(rendered.find((r) => r.key === 'temperature')?.label.zh, '体温');
    assert.equal(
      rendered.find((r) => r.key === 'maskWorn'),
      undefined,
    );
    const fresh = await admin('GET', `/api/records/${(after.body.record as { id: number }).id}`);
    assert.equal(
      (fresh.body.rendered as { key: string; label: { zh: string } }[]).find((r) => r.key === 'temperature')
        ?.label.zh,
      '今日体温',
    );
  });

  test('English error messages on request, and the admin token is required', async () => {
    const dept = await ctx.department({ size: 1 });
    const [e] = dept.members as [TestEmployee];
    const res = await fetch(`${ctx.apiUrl}/api/me/checkins`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ctx.token(e.id)}`,
        'accept-language': 'en',
      },
      body: JSON.stringify({
        idempotencyKey: newKey(),
        answers: { ...validAnswers, maskWorn: true, temperature: 50 },
      }),
    });
    const body = (await res.json()) as { errors: { field: string; message: string }[] };
    assert.equal(res.status, 400);
    assert.match(body.errors.find((x) => x.field === 'answers.temperature')?.message ?? '', /at most 43/);
    assert.equal((await fetch(`${ctx.apiUrl}/api/forms`)).status, 401);
  });
});
