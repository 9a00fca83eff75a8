// The API behind the employee page: link tokens, identity checks, prefill, photo uploads, passes
// and the proxy-filling column, against the real API, Postgres and the DingTalk fake.
import assert from 'node:assert/strict';
import { insertRecord } from '../../db/repositories/records.ts';
import { after, before, describe, test } from 'node:test';
import { submitCheckin } from '../../api/checkins/checkins.service.ts';
import { signEmployeeToken } from '../../api/auth/employee-token.ts';
import { personalCheckinLink } from '../../activities/reminders/messages.ts';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { signLinkToken, verifyLinkToken } from '../../platform/link-token.ts';
import { newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';
import { codePhotoField, noisePng, publishFormWith } from '../helpers/checkin-page.ts';
import { createLogger } from '../../config/logger.ts';

let ctx: TestContext;
let members: TestEmployee[];
let workDate: string;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  const dept = await ctx.department({ size: 10 });
  members = dept.members;
  workDate = (await ctx.expectToday(members)).workDate;
});
after(async () => ctx.close());

const member = (i: number) => members[i] as TestEmployee;
const secret = () => ctx.config.api.sessionSecret;

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: Buffer } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.raw) headers['content-type'] = 'application/octet-stream';
  const res = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers,
    body: opts.raw
      ? new Uint8Array(opts.raw)
      : opts.body === undefined
        ? undefined
        : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}

const mintCode = async (userid: string) => {
  const r = await fetch(`${ctx.fake.url}/_fake/auth-codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userid }),
  });
  return ((await r.json()) as { code: string }).code;
};

describe('check-in page API', () => {
  test('a signed link is exchanged for a session; tampered, expired or session tokens are refused', async () => {
    const e = member(0);
    const link = signLinkToken(secret(), e.id, workDate);
    const ok = await call('POST', '/api/auth/link', { body: { token: link } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.workDate, workDate);
    const today = await call('GET', '/api/me/today', { token: ok.body.token as string });
    assert.equal(today.status, 200);
    assert.equal((today.body.employee as { id: number }).id, e.id);

    assert.equal((await call('GET', '/api/me/today', { token: link })).status, 401, 'a link is no session');
    const session = signEmployeeToken(secret(), e.id);
    assert.equal((await call('POST', '/api/auth/link', { body: { token: session } })).status, 401);
    const [body, sig] = link.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: member(1).id }),
    ).toString('base64url');
    assert.equal((await call('POST', '/api/auth/link', { body: { token: `${forged}.${sig}` } })).status, 401);
    const expired = signLinkToken(secret(), e.id, '2020-01-01');
    assert.equal((await call('POST', '/api/auth/link', { body: { token: expired } })).status, 401);

    // Messages to one employee carry their link; it is the same every time (DingTalk drops repeats).
    const url = new URL(personalCheckinLink(ctx.config.api, e.id, workDate));
    assert.equal(url.pathname, '/checkin');
    assert.equal(verifyLinkToken(secret(), url.searchParams.get('t') ?? '')?.sub, e.id);
    assert.equal(personalCheckinLink(ctx.config.api, e.id, workDate), url.toString());
  });

  test('identity checks: a re-auth code of the same user passes once; another user, reuse or a foreign link fail', async () => {
    const e = member(1);
    const other = member(2);
    const submit = (identity: unknown, key = newKey()) =>
      ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers, identity });
    assert.equal(
      (await submit({ method: 'dingtalk-reauth', code: await mintCode(other.userId) })).status,
      403,
    );
    assert.equal(
      (await submit({ method: 'link-token', token: signLinkToken(secret(), other.id, workDate) })).status,
      403,
    );
    assert.equal((await submit({ method: 'face-liveness', token: 'x' })).status, 400);
    const code = await mintCode(e.userId);
    const ok = await submit({ method: 'dingtalk-reauth', code });
    assert.equal(ok.status, 201);
    const record = ok.body.record as { id: number; identity_check: string };
    assert.equal(record.identity_check, 'dingtalk-reauth');
    // The code is single use: a second submission with it is refused before anything is stored.
    assert.equal((await submit({ method: 'dingtalk-reauth', code })).status, 403);

    const f = member(3);
    const viaLink = await ctx.submit(f.id, {
      idempotencyKey: newKey(),
      answers: validAnswers,
      identity: { method: 'link-token', token: signLinkToken(secret(), f.id, workDate) },
    });
    assert.equal((viaLink.body.record as { identity_check: string }).identity_check, 'link-token');
    const none = await ctx.submit(member(4).id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal((none.body.record as { identity_check: string | null }).identity_check, null);
  });

  test('prefill offers vaccination and travel from the last record, never the temperature', async () => {
    const e = member(5);
    await insertRecord(ctx.db, {
      employee_id: e.id,
      department_id: e.departmentId,
      work_date: '2020-03-01',
      submitted_at: new Date('2020-03-01T01:00:00Z'),
      answers: {
        ...validAnswers,
        temperature: 37.0,
        vaccinationDoses: 2,
        travel14d: false,
      },
      reasons: [],
      status: 'on_time',
      idempotency_key: newKey(),
      form_version: 1,
    });
    const today = await call('GET', '/api/me/today', { token: ctx.token(e.id) });
    assert.deepEqual(today.body.prefill, {
      fromWorkDate: '2020-03-01',
      values: { vaccinationDoses: 2, travel14d: false },
    });
    // A form cannot ask to prefill a measurement.
    const form: FormDefinition = structuredClone(defaultForm);
    (form.fields[0] as { prefill?: boolean }).prefill = true;
    const refused = await ctx.admin('POST', '/api/forms', { definition: form });
    assert.equal(refused.status, 400);
  });

  test('photos: an image is stored, oversized is 413, a non-image 400; only the uploader may reference it', async () => {
    const e = member(6);
    const small = noisePng(60);
    const up = await call('POST', '/api/me/attachments', { token: ctx.token(e.id), raw: small });
    assert.equal(up.status, 201);
    assert.equal(up.body.contentType, 'image/png');
    const big = await call('POST', '/api/me/attachments', { token: ctx.token(e.id), raw: noisePng(400) });
    assert.equal(big.status, 413);
    assert.match(big.type, /application\/problem\+json/);
    assert.equal(big.body.code, 'payload_too_large');
    const text = await call('POST', '/api/me/attachments', {
      token: ctx.token(e.id),
      raw: Buffer.from('hello'),
    });
    assert.equal(text.status, 400);
    assert.equal((await call('POST', '/api/me/attachments', { raw: small })).status, 401);

    await publishFormWith(ctx, codePhotoField);
    try {
      const photoId = up.body.id as string;
      const foreign = await ctx.submit(member(7).id, {
        idempotencyKey: newKey(),
        answers: { ...validAnswers, codePhoto: { photoId } },
      });
      assert.equal(foreign.status, 400);
      assert.equal((foreign.body.errors as { field: string }[])[0]?.field, 'answers.codePhoto');
      const own = await ctx.submit(e.id, {
        idempotencyKey: newKey(),
        answers: { ...validAnswers, codePhoto: { photoId } },
      });
      assert.equal(own.status, 201);
      const recordId = (own.body.record as { id: number }).id;
      const img = await fetch(`${ctx.apiUrl}/api/records/${recordId}/attachments/${photoId}`, {
        headers: { 'x-admin-token': ctx.operatorKey },
      });
      assert.equal(img.status, 200);
      assert.equal(img.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await img.arrayBuffer()), small);
      const noAdmin = await fetch(`${ctx.apiUrl}/api/records/${recordId}/attachments/${photoId}`);
      assert.equal(noAdmin.status, 401);
      const otherRecord = (
        await ctx.submit(member(8).id, { idempotencyKey: newKey(), answers: validAnswers })
      ).body.record as { id: number };
      const wrong = await ctx.admin('GET', `/api/records/${otherRecord.id}/attachments/${photoId}`);
      assert.equal(wrong.status, 404, 'a photo is read only through the record that references it');
    } finally {
      // Later tests in this file use the default form again.
      const back = await ctx.admin('POST', '/api/forms', { definition: defaultForm });
      await ctx.admin('POST', `/api/forms/${back.body.version as number}/publish`);
    }
  });

  test('passes: green for normal, amber for a warning under review, green once approved, red for red; forged is invalid', async () => {
    const pass = async (id: number) => (await call('GET', '/api/me/pass', { token: ctx.token(id) })).body;
    const verify = async (p: string) =>
      (await call('GET', `/api/pass/verify?p=${encodeURIComponent(p)}`)).body;
    const e = member(9);
    assert.equal(
      (await call('GET', '/api/me/pass', { token: ctx.token(e.id) })).status,
      404,
      'no record yet',
    );
    const w = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, healthCode: 'yellow' },
    });
    assert.equal(w.status, 201);
    const p = await pass(e.id);
    assert.equal(p.colour, 'amber');
    assert.match(p.verifyUrl as string, /\/pass\/verify\?p=/);
    assert.deepEqual(
      (({ valid, colour, name, workDate: d }) => ({ valid, colour, name, d }))(
        await verify(p.token as string),
      ),
      { valid: true, colour: 'amber', name: e.name, d: workDate },
    );
    await ctx.db.updateTable('reviews').set({ status: 'approved' }).where('employee_id', '=', e.id).execute();
    assert.equal((await verify(p.token as string)).colour, 'green', 'the gate sees the approval at once');

    const red = member(4); // submitted a normal record above; its severity turns red
    const redPass = await pass(red.id);
    assert.equal(redPass.colour, 'green');
    await ctx.db
      .updateTable('health_records')
      .set({ severity: 'red' })
      .where('employee_id', '=', red.id)
      .execute();
    const v = await verify(redPass.token as string);
    assert.deepEqual([v.valid, v.colour], [true, 'red']);
    await ctx.db
      .updateTable('reviews')
      .set({ status: 'approved' })
      .where('employee_id', '=', red.id)
      .execute();
    assert.equal((await verify(redPass.token as string)).colour, 'red', 'red never turns green');

    assert.deepEqual(await verify('forged.token'), { valid: false, reason: 'invalid' });
    const session = ctx.token(e.id);
    assert.equal((await verify(session)).valid, false, 'a session token is no pass');
  });

  test('the submission service stores who filled in for the employee (代填)', async () => {
    const target = await ctx.department({ size: 1 });
    const who = target.members[0] as TestEmployee;
    await ctx.expectToday([who]);
    const r = await submitCheckin(
      {
        db: ctx.db,
        temporal: ctx.temporal,
        taskQueue: ctx.config.temporal.taskQueue,
        logger: createLogger('warn', 'proxy-test'),
        signalTimeoutMs: 200,
      },
      who.id,
      { idempotencyKey: newKey(), answers: validAnswers },
      new Date(),
      { proxyByEmployeeId: target.manager.id },
    );
    assert.equal(r.record.proxy_by_employee_id, target.manager.id);
  });
});
