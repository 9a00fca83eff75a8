// Health answers, anomaly reasons, mobile numbers and reviewers' comments are stored sealed: raw SQL
// and a pg_dump show ciphertext only, the API still answers in plain text, plaintext from before
// encryption is sealed at start-up, a key rotation re-seals everything in resumable batches, and a
// tampered ciphertext makes the API answer a clean 500 instead of garbage.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { readAttachment, saveAttachment } from '../../db/repositories/attachments.ts';
import { reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { getPublishedForm } from '../../db/repositories/forms.ts';
import { insertRecord } from '../../db/repositories/records.ts';
import { addDays } from '../../domain/zoned-time.ts';
import { FieldKeyring, isCiphertext, keyIdOf } from '../../security/field-crypto.ts';
import { rotateFieldKeys } from '../../security/key-rotation.ts';
import {
  keyringOf,
  openDataRequestMessage,
  sealDataRequestMessage,
  withFieldKeys,
} from '../../db/sealed-fields.ts';
import {
  eventually,
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { callAs } from '../helpers/staff-client.ts';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const MOBILE = '13987654321';
const LEGACY_MOBILE = '13711223344';
const REMARK = '家属从外地返回';
const COMMENT = '体温38.7已就医';
/** How the answers would look in a dump if they were stored as jsonb. */
const plainTemperature = /"temperature": ?38\.7\b/;

let ctx: TestContext;
let dept: TestDepartment;
let feverish: TestEmployee;
let other: TestEmployee;
let today: string;
let feverRecordId: number;
let otherRecordId: number;
let reviewId: number;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: {
      FIELD_ENCRYPTION_KEYS: `ka:${keyA.toString('base64')},kb:${keyB.toString('base64')}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'ka',
      REVIEW_WARNING_TIMEOUT_SECONDS: '600',
      REVIEW_RED_TIMEOUT_SECONDS: '600',
    },
  });
  dept = await ctx.department({ size: 2 });
  [feverish, other] = dept.members as [TestEmployee, TestEmployee];
  today = (await ctx.expectToday(dept.members)).workDate;
  const put = await ctx.admin('PUT', `/api/ra/employees/${feverish.id}`, { mobile: MOBILE });
  assert.equal(put.status, 200);

  // A yellow code yesterday makes today's fever red through the history rule, which reads the
  // earlier record's (sealed) answers.
  const form = await getPublishedForm(ctx.db);
  await insertRecord(ctx.db, {
    employee_id: other.id,
    department_id: dept.id,
    work_date: addDays(today, -1),
    submitted_at: new Date(Date.now() - 86_400_000),
    status: 'on_time',
    idempotency_key: newKey(),
    form_version: form.version,
    severity: 'warning',
    answers: { ...validAnswers, healthCode: 'yellow' },
    reasons: [],
  });

  const fever = await ctx.submit(feverish.id, {
    idempotencyKey: newKey(),
    answers: { ...validAnswers, temperature: 38.7, symptoms: ['fever'], remarks: REMARK },
  });
  assert.equal(fever.status, 201);
  feverRecordId = (fever.body.record as { id: number }).id;
  reviewId = fever.body.reviewId as number;
  const second = await ctx.submit(other.id, {
    idempotencyKey: newKey(),
    answers: { ...validAnswers, temperature: 37.4 },
  });
  assert.equal(second.status, 201);
  otherRecordId = (second.body.record as { id: number }).id;
  assert.ok(
    (second.body.record as { reasons: { source: string }[] }).reasons.some(
      (r) => r.source === 'history:within',
    ),
  );

  await eventually(
    () => ctx.reviewMessages('work_notification', dept.manager.userId, reviewId).length > 0,
    15_000,
    'manager notified',
  );
  const decided = await callAs(ctx, dept.manager, 'POST', `/api/reviews/${reviewId}/decision`, {
    decision: 'reject',
    comment: COMMENT,
  });
  assert.equal(decided.status, 200);
});
after(async () => ctx.close());

async function get<T = Record<string, unknown>>(
  path: string,
  headers: Record<string, string> = {},
  apiUrl = ctx.apiUrl,
) {
  const res = await fetch(`${apiUrl}${path}`, {
    // the operator key, unless the caller signs in as someone else
    headers: headers.authorization ? headers : { 'x-admin-token': ctx.operatorKey },
  });
  return { status: res.status, body: (await res.json()) as T };
}
const q = (o: Record<string, unknown>) => `filter=${encodeURIComponent(JSON.stringify(o))}`;

/** Every row of the sensitive tables as Postgres prints it. */
async function rawRows(): Promise<string> {
  const { rows } = await sql<{ t: string }>`
    select t::text as t from health_records t
    union all select e::text from employees e
    union all select r::text from reviews r
    union all select o::text from signal_outbox o`.execute(ctx.db);
  return rows.map((r) => r.t).join('\n');
}

const pgDump = () =>
  execFileSync('pg_dump', ['--no-owner', ctx.config.databaseUrl], { maxBuffer: 256 * 2 ** 20 }).toString();

function assertNoPlaintext(text: string, extra: string[] = []) {
  assert.doesNotMatch(text, plainTemperature);
  for (const s of [MOBILE, REMARK, COMMENT, '38.7 ℃', ...extra])
    assert.ok(!text.includes(s), `"${s}" in plain text`);
}

describe('field encryption at rest', () => {
  test('raw SQL shows only ciphertext for answers, reasons, mobiles and comments', async () => {
    const rec = await sql<Record<string, string | null>>`
      select answers::text, reasons::text, answers_ct, reasons_ct, key_id from health_records where id = ${feverRecordId}`.execute(
      ctx.db,
    );
    const r = rec.rows[0] as Record<string, string | null>;
    assert.deepEqual([r.answers, r.reasons, r.key_id], [null, null, 'ka']);
    for (const ct of [r.answers_ct, r.reasons_ct]) {
      assert.ok(isCiphertext(ct));
      assert.equal(keyIdOf(ct), 'ka');
    }
    const emp = await ctx.db
      .selectFrom('employees')
      .select(['mobile', 'mobile_ct', 'key_id'])
      .where('id', '=', feverish.id)
      .executeTakeFirstOrThrow();
    assert.equal(emp.mobile, null);
    assert.ok(isCiphertext(emp.mobile_ct));
    const rev = await ctx.db
      .selectFrom('reviews')
      .select(['comment', 'comment_ct', 'history'])
      .where('id', '=', reviewId)
      .executeTakeFirstOrThrow();
    assert.equal(rev.comment, null);
    assert.ok(isCiphertext(rev.comment_ct));
    const decision = rev.history.find((h) => h.event === 'decision');
    assert.ok(decision && isCiphertext(decision.comment));
    // The plain columns the dashboard aggregates on stay queryable.
    const red = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('severity', '=', 'red')
      .where('department_id', '=', dept.id)
      .where('work_date', '=', today)
      .execute();
    // (the second employee's warning turned red through the history rule)
    assert.deepEqual(red.map((x) => x.id).sort(), [feverRecordId, otherRecordId].sort());
    assertNoPlaintext(await rawRows(), ['yellow']);
  });

  test('the API answers with the opened values, and without the sealed columns', async () => {
    const list = await get<Record<string, unknown>[]>(`/api/ra/records?${q({ employee_id: feverish.id })}`);
    assert.equal(list.status, 200);
    const [row] = list.body;
    assert.ok(row);
    assert.equal((row.answers as { temperature: number }).temperature, 38.7);
    assert.ok((row.reasons as { source: string }[]).some((x) => x.source === 'temperature'));
    assert.ok(!('answers_ct' in row) && !('key_id' in row));

    const show = await get<{ rendered: { value: { zh: string } }[] }>(`/api/ra/records/${feverRecordId}`);
    const rendered = show.body.rendered.map((x) => x.value.zh);
    assert.ok(rendered.includes('38.7 ℃'), rendered.join(' | '));
    const plain = await get<{ record: Record<string, unknown> }>(`/api/records/${feverRecordId}`);
    const record = plain.body.record;
    assert.equal((record.answers as { remarks: string }).remarks, REMARK);
    assert.deepEqual(
      Object.keys(record).filter((k) => k.endsWith('_ct') || k === 'key_id'),
      [],
    );

    assert.equal((await get(`/api/ra/employees/${feverish.id}`)).body.mobile, MOBILE);
    const review = await get<{ comment: string; history: { event: string; comment?: string }[] }>(
      `/api/ra/reviews/${reviewId}`,
    );
    assert.equal(review.body.comment, COMMENT);
    assert.equal(review.body.history.find((h) => h.event === 'decision')?.comment, COMMENT);
    const reviews = await get<{ reasons: { source: string }[]; comment: string }[]>(
      `/api/ra/reviews?${q({ id: [reviewId] })}`,
    );
    const [listed] = reviews.body;
    assert.equal(listed?.comment, COMMENT);
    assert.ok(listed?.reasons.some((x) => x.source === 'temperature'));
    const mine = await get<{ record: { answers: { temperature: number } } }>('/api/me/today', {
      authorization: `Bearer ${ctx.token(feverish.id)}`,
    });
    assert.equal(mine.body.record.answers.temperature, 38.7);
    // The employee was told the outcome with the (opened) comment.
    await eventually(
      () => ctx.messages('work_notification', feverish.userId).some((m) => m.text.includes(COMMENT)),
      10_000,
      'employee told the comment',
    );
  });

  test("Temporal's history holds the review's comment and answers only as ciphertext", async () => {
    const review = await ctx.db
      .selectFrom('reviews')
      .select('record_id')
      .where('id', '=', reviewId)
      .executeTakeFirstOrThrow();
    const history = await ctx.temporal.workflow.getHandle(reviewWorkflowId(review.record_id)).fetchHistory();
    const raw = Buffer.from(JSON.stringify(history)).toString();
    const payloadBytes = (history.events ?? []).flatMap((e) =>
      [
        ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
        ...(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []),
        ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
      ].map((p) => Buffer.from(p.data ?? new Uint8Array())),
    );
    assert.ok(payloadBytes.length >= 2, 'the history has payloads');
    for (const b of payloadBytes) {
      assert.equal(b.includes(COMMENT), false, 'no plaintext comment in a payload');
      assert.equal(b.includes('38.7'), false, 'no plaintext temperature in a payload');
    }
    assert.equal(raw.includes(COMMENT), false);
    // …and the workflow still reads them: it runs to completion
    const handle = ctx.temporal.workflow.getHandle(reviewWorkflowId(review.record_id));
    await handle.result();
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
  });

  test('the streamed Excel export shows the opened temperatures', async () => {
    const res = await fetch(`${ctx.apiUrl}/api/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
      body: JSON.stringify({
        from: today,
        to: today,
        departmentIds: [dept.id],
        format: 'xlsx',
        purpose: 'test',
      }),
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const col = (prefix: string) => head.findIndex((h) => h.startsWith(prefix)) + 1;
    const temps = Array.from(
      { length: ws.rowCount - 1 },
      (_, i) => ws.getRow(i + 2).getCell(col('体温')).value,
    );
    assert.deepEqual(temps.sort(), [37.4, 38.7]);
  });

  test('plaintext stored before encryption is sealed by the start-up pass; a pg_dump then shows none', async () => {
    // Rows as an older version wrote them: plaintext columns, no key id.
    const form = await getPublishedForm(ctx.db);
    const legacy = await sql<{ id: number }>`
      insert into employees (dingtalk_user_id, name, department_id, mobile)
      values (${`legacy-${ctx.name}`}, '老员工', ${dept.id}, ${LEGACY_MOBILE}) returning id`.execute(ctx.db);
    const legacyId = legacy.rows[0]?.id as number;
    const legacyRecord = await sql<{ id: number }>`
      insert into health_records (employee_id, department_id, work_date, submitted_at, answers, reasons, status, idempotency_key, form_version, severity)
      values (${legacyId}, ${dept.id}, ${today}, now(), ${JSON.stringify({ ...validAnswers, temperature: 38.7 })}::jsonb,
              '[{"source":"temperature","severity":"red","text":{"zh":"发热","en":"fever"}}]'::jsonb,
              'on_time', ${newKey()}, ${form.version}, 'red') returning id`.execute(ctx.db);
    const before = pgDump();
    assert.match(before, plainTemperature, 'the dump check does see plaintext answers');
    assert.ok(before.includes(LEGACY_MOBILE));

    const report = await rotateFieldKeys(ctx.db, new FieldKeyring(ctx.config.fieldEncryption), {
      plaintextOnly: true,
    });
    const by = Object.fromEntries(report.map((r) => [r.table, r]));
    assert.equal(by.health_records?.fromPlaintext, 1);
    assert.equal(by.employees?.fromPlaintext, 1);
    assert.deepEqual(
      report.flatMap((r) => r.failed),
      [],
    );
    const rec = await get<{ record: { answers: { temperature: number } } }>(
      `/api/records/${legacyRecord.rows[0]?.id}`,
    );
    assert.equal(rec.body.record.answers.temperature, 38.7);
    assert.equal((await get(`/api/ra/employees/${legacyId}`)).body.mobile, LEGACY_MOBILE);

    const dump = pgDump();
    assert.match(dump, /hc1\.ka\./, 'the dump holds the ciphertexts');
    assertNoPlaintext(dump, [LEGACY_MOBILE]);
  });

  test('rotating to a new key re-seals every ciphertext in resumable batches; everything still reads', async () => {
    const ringB = new FieldKeyring({ ...ctx.config.fieldEncryption, activeKeyId: 'kb' });
    // Photos: one uploaded now (sealed with ka) and one stored before encryption (plain bytes).
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(2000)]);
    const sealedPhoto = await saveAttachment(ctx.db, {
      employeeId: feverish.id,
      contentType: 'image/jpeg',
      bytes: photo,
    });
    const raw = await ctx.db
      .selectFrom('attachments')
      .select(['bytes', 'key_id'])
      .where('id', '=', sealedPhoto.id)
      .executeTakeFirstOrThrow();
    assert.equal(raw.key_id, 'ka');
    assert.equal(raw.bytes.indexOf(photo.subarray(0, 64)), -1, 'the stored bytes are not the photo');
    const legacyPhoto = await ctx.db
      .insertInto('attachments')
      .values({
        employee_id: feverish.id,
        content_type: 'image/jpeg',
        size_bytes: photo.length,
        bytes: photo,
        key_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // an employee's correction request: its message is sealed and re-sealed like the answers
    const request = await ctx.db
      .insertInto('data_requests')
      .values({
        employee_id: feverish.id,
        department_id: dept.id,
        kind: 'correction',
        record_id: null,
        ...sealDataRequestMessage('体温填错了', keyringOf(ctx.db)),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // One batch of one row per table, as if the command had been interrupted…
    const first = await rotateFieldKeys(ctx.db, ringB, { batchSize: 1, maxBatches: 1 });
    assert.ok(first.every((r) => r.resealed === Math.min(1, r.pending)));
    // …and run again: it carries on with what is left, then finds nothing to do.
    const second = await rotateFieldKeys(ctx.db, ringB, { batchSize: 2 });
    for (const [i, r] of second.entries())
      assert.equal(r.pending, (first[i]?.pending ?? 0) - (first[i]?.resealed ?? 0));
    assert.ok((second.find((r) => r.table === 'health_records')?.resealed ?? 0) >= 3);
    const third = await rotateFieldKeys(ctx.db, ringB);
    assert.deepEqual(
      third.map((r) => r.pending),
      [0, 0, 0, 0, 0],
    );

    const kids = await sql<{ kid: string | null; ct: string | null }>`
      select key_id as kid, answers_ct as ct from health_records
      union all select key_id, reasons_ct from health_records
      union all select key_id, mobile_ct from employees
      union all select key_id, comment_ct from reviews
      union all select key_id, h->>'comment' from reviews, jsonb_array_elements(history) h
      union all select key_id, message_ct from data_requests`.execute(ctx.db);
    assert.deepEqual([...new Set(kids.rows.map((r) => r.kid))], ['kb']);
    const cts = kids.rows.flatMap((r) => (r.ct ? [r.ct] : []));
    assert.ok(cts.length >= 10);
    assert.deepEqual([...new Set(cts.map((ct) => keyIdOf(ct)))], ['kb']);

    // The old key can go: a process holding only the new one reads everything.
    const onlyB = new FieldKeyring({ activeKeyId: 'kb', keys: new Map([['kb', keyB]]) });
    const api = await ctx.apiWithKeyring(onlyB);
    try {
      const list = await get<unknown[]>(`/api/ra/records?${q({ department_id: dept.id })}`, {}, api.url);
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 4);
      assert.equal((await get(`/api/ra/employees/${feverish.id}`, {}, api.url)).body.mobile, MOBILE);
      assert.equal((await get(`/api/ra/reviews/${reviewId}`, {}, api.url)).body.comment, COMMENT);
      const requestRow = await ctx.db
        .selectFrom('data_requests')
        .select('message_ct')
        .where('id', '=', request.id)
        .executeTakeFirstOrThrow();
      assert.equal(openDataRequestMessage(requestRow.message_ct, onlyB), '体温填错了');
      for (const id of [sealedPhoto.id, legacyPhoto.id]) {
        const read = await readAttachment(withFieldKeys(ctx.db, onlyB), feverish.id, id);
        assert.ok(read?.bytes.equals(photo), 'photo reads back after rotation');
      }
      const kidsOfPhotos = await ctx.db.selectFrom('attachments').select('key_id').distinct().execute();
      assert.deepEqual(
        kidsOfPhotos.map((r) => r.key_id),
        ['kb'],
      );
    } finally {
      await api.close();
    }
  });

  test('a tampered or misplaced ciphertext makes the API answer a clean 500, never garbage', async () => {
    const { answers_ct: ct } = await ctx.db
      .selectFrom('health_records')
      .select('answers_ct')
      .where('id', '=', otherRecordId)
      .executeTakeFirstOrThrow();
    const parts = (ct as string).split('.');
    const body = Buffer.from(parts[4] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[4] = body.toString('base64url');
    await ctx.db
      .updateTable('health_records')
      .set({ answers_ct: parts.join('.') })
      .where('id', '=', otherRecordId)
      .execute();
    for (const path of [`/api/records/${otherRecordId}`, `/api/ra/records/${otherRecordId}`]) {
      const res = await fetch(`${ctx.apiUrl}${path}`, {
        headers: { 'x-admin-token': ctx.operatorKey },
      });
      assert.equal(res.status, 500, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      const text = await res.text();
      const problem = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual([problem.code, problem.title], ['internal', 'Internal error']);
      assert.ok(!/stack|at .*\.ts|CiphertextError|temperature/.test(text), text);
    }
    // A genuine ciphertext of another column does not open here either.
    const { mobile_ct } = await ctx.db
      .selectFrom('employees')
      .select('mobile_ct')
      .where('id', '=', feverish.id)
      .executeTakeFirstOrThrow();
    await ctx.db
      .updateTable('health_records')
      .set({ reasons_ct: mobile_ct })
      .where('id', '=', feverRecordId)
      .execute();
    assert.equal((await get(`/api/records/${feverRecordId}`)).status, 500);

    // The rotation leaves such rows as they are and names them.
    const report = await rotateFieldKeys(ctx.db, new FieldKeyring(ctx.config.fieldEncryption));
    assert.deepEqual(
      report.find((r) => r.table === 'health_records')?.failed.sort(),
      [feverRecordId, otherRecordId].sort(),
    );
  });
});
