// The submission API: idempotency, concurrency, validation, limits, 免登.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translate } from '../../admin-ui/src/i18n/translate.ts';
import { problemTitle } from '../../admin-ui/src/problem-text.ts';
import { findRecordById } from '../../db/repositories/records.ts';
import { checkinWorkflowId, reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { wallTimeAt } from '../../domain/zoned-time.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;
let dept: Awaited<ReturnType<TestContext['department']>>;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    // low enough to reach in a test; only unidentified callers count against it
    env: { RATE_LIMIT_SUBMIT_PER_IP: '3' },
  });
  dept = await ctx.department({ size: 12 });
});
after(async () => ctx.close());

const member = (i: number) => dept.members[i] as TestEmployee;
const recordCount = async (employeeId: number) =>
  Number(
    (
      await ctx.db
        .selectFrom('health_records')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('employee_id', '=', employeeId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /api/me/checkins', () => {
  test('a 201 means the record is in Postgres, with an outbox signal for the workflow', async () => {
    const e = member(0);
    await ctx.expectToday([e]); // a day open now, whatever the hour in Shanghai
    const r = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, vaccinationDoses: 3, travel14d: false },
    });
    assert.equal(r.status, 201);
    const rec = r.body.record as { id: number; work_date: string; answers: unknown; status: string };
    const row = await findRecordById(ctx.db, rec.id);
    assert.ok(row);
    assert.deepEqual(row.answers, { ...validAnswers, vaccinationDoses: 3, travel14d: false });
    assert.equal(row.status, 'on_time');
    const outbox = await ctx.db
      .selectFrom('signal_outbox')
      .selectAll()
      .where('workflow_id', '=', `checkin-${rec.work_date}-${e.id}`)
      .execute();
    assert.equal(outbox.length, 1);
    // The answer does not wait for Temporal; the API's signal pump delivers right after it. No
    // workflow runs for this day, so there was nothing to tell: delivered without error.
    await eventually(
      async () => {
        const row = await ctx.db
          .selectFrom('signal_outbox')
          .select('delivered_at')
          .where('id', '=', outbox[0]?.id ?? 0)
          .executeTakeFirstOrThrow();
        return row.delivered_at !== null;
      },
      10_000,
      'the outbox row delivered',
    );
  });

  test('resubmitting with the same idempotency key returns the stored record', async () => {
    const e = member(1);
    const key = newKey();
    const first = await ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers });
    const again = await ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers });
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.deepEqual((again.body.record as { id: number }).id, (first.body.record as { id: number }).id);
    // the key belongs to the first body: another body under it is refused, not answered with the old record
    const other = await ctx.submit(e.id, {
      idempotencyKey: key,
      answers: { ...validAnswers, temperature: 39 },
    });
    assert.equal(other.status, 422);
    assert.equal(await recordCount(e.id), 1);
  });

  test('twenty concurrent submissions with one key store one record and all succeed', async () => {
    const e = member(2);
    const key = newKey();
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers })),
    );
    assert.deepEqual(
      new Set(rs.map((r) => r.status)),
      new Set(rs.some((r) => r.status === 200) ? [201, 200] : [201]),
    );
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    assert.equal(new Set(rs.map((r) => (r.body.record as { id: number }).id)).size, 1);
    assert.equal(await recordCount(e.id), 1);
  });

  test('a second, different submission for the same day is refused with 409 and changes nothing', async () => {
    const e = member(3);
    await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    const r = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 38.5 },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'already_submitted');
    assert.match(String(r.body.title), /already submitted at \d\d:\d\d \(Asia\/Shanghai\)/);
    assert.equal(await recordCount(e.id), 1);
  });

  const invalid: [string, unknown, string][] = [
    [
      'temperature above 43 ℃',
      { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: 50 } },
      'answers.temperature',
    ],
    [
      'temperature below 34 ℃',
      { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: 20 } },
      'answers.temperature',
    ],
    [
      'temperature as text',
      { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: '36.5' } },
      'answers.temperature',
    ],
    [
      'unknown health-code colour',
      { idempotencyKey: newKey(), answers: { ...validAnswers, healthCode: 'blue' } },
      'answers.healthCode',
    ],
    [
      'missing hasSymptoms',
      { idempotencyKey: newKey(), answers: { temperature: 36.5, healthCode: 'green' } },
      'answers.hasSymptoms',
    ],
    ['missing idempotency key', { answers: validAnswers }, 'idempotencyKey'],
    ['unknown field', { idempotencyKey: newKey(), answers: { ...validAnswers, mood: 'ok' } }, 'answers.mood'],
    ['non-JSON body', '{"idempotencyKey": ', 'body'],
  ];
  for (const [name, body, field] of invalid) {
    test(`400 with per-field errors and nothing stored: ${name}`, async () => {
      const e = member(4);
      const r = await ctx.submit(e.id, body);
      assert.equal(r.status, 400);
      if (field !== 'body') {
        const errors = r.body.errors as { field: string; message: string }[];
        assert.ok(
          errors.some((x) => x.field === field),
          `expected an error on ${field}: ${JSON.stringify(errors)}`,
        );
      }
      assert.equal(await recordCount(e.id), 0);
    });
  }

  test('bodies over 500 KB get 413 and store nothing', async () => {
    const e = member(5);
    const r = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, remarks: 'x'.repeat(600_000) },
    });
    assert.equal(r.status, 413);
    assert.equal(await recordCount(e.id), 0);
  });

  test('without an employee session the API answers 401', async () => {
    const res = await fetch(`${ctx.apiUrl}/api/me/checkins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer forged.token' },
      body: JSON.stringify({ idempotencyKey: newKey(), answers: validAnswers }),
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type')?.startsWith('application/problem+json'), true);
  });
});

describe('late submissions', () => {
  const dayClosedAgo = async (e: TestEmployee, minutes: number, lateGraceMinutes: number) => {
    const s = await ctx.schedule(1);
    const closes = new Date(Date.now() - minutes * 60_000);
    await ctx.db
      .insertInto('checkin_days')
      .values({
        employee_id: e.id,
        department_id: e.departmentId,
        work_date: s.workDate,
        opens_at: new Date(closes.getTime() - 8 * 3600_000),
        closes_at: closes,
        late_until: new Date(closes.getTime() + lateGraceMinutes * 60_000),
        schedule: JSON.stringify(s),
        outcome: 'missed',
      })
      .execute();
    return s.workDate;
  };

  test('after close but within the grace period the record is stored as late and the day becomes late', async () => {
    const e = member(9);
    const workDate = await dayClosedAgo(e, 10, 60);
    const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(r.status, 201);
    assert.equal((r.body.record as { status: string }).status, 'late');
    const day = await ctx.db
      .selectFrom('checkin_days')
      .select('outcome')
      .where('employee_id', '=', e.id)
      .where('work_date', '=', workDate)
      .executeTakeFirstOrThrow();
    assert.equal(day.outcome, 'late');
  });

  test('after the grace period the submission is refused with 422 naming the date and last time on the company clock, in zh and en, storing nothing', async () => {
    const e = member(10);
    const workDate = await dayClosedAgo(e, 120, 60);
    const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'submission_window_closed');
    const params = r.body.params as { date: string; time: string; timeZone: string; closedAt: string };
    // the late window ended 60 minutes ago (closed 120 minutes ago + 60 minutes of grace)
    const lastMoment = new Date(params.closedAt);
    assert.ok(Math.abs(lastMoment.getTime() - (Date.now() - 60 * 60_000)) < 5 * 60_000, params.closedAt);
    assert.equal(params.date, workDate);
    assert.equal(params.time, wallTimeAt(lastMoment, params.timeZone));
    assert.equal(
      problemTitle(r.body, (k, v) => translate('zh', k, v)),
      `${workDate} 的打卡已于 ${params.time}（${params.timeZone}）截止，无法再提交`,
    );
    assert.equal(
      problemTitle(r.body, (k, v) => translate('en', k, v)),
      `Check-in for ${workDate} closed at ${params.time} (${params.timeZone}); it can no longer be submitted`,
    );
    assert.equal(await recordCount(e.id), 0);
  });
});

describe('免登 and today', () => {
  test('a DingTalk auth code is exchanged for the employee; the token then reads today and submits', async () => {
    const e = member(6);
    const code = ctx.fake.state.issueAuthCode(e.userId);
    const login = await fetch(`${ctx.apiUrl}/api/auth/dingtalk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode: code }),
    });
    assert.equal(login.status, 200);
    const { token, employee } = (await login.json()) as { token: string; employee: { id: number } };
    assert.equal(employee.id, e.id);
    const auth = { authorization: `Bearer ${token}` };
    const today1 = (await (await fetch(`${ctx.apiUrl}/api/me/today`, { headers: auth })).json()) as Record<
      string,
      unknown
    >;
    assert.equal((today1.status as { outcome: string }).outcome, 'pending');
    assert.ok(Array.isArray((today1.form as { fields: unknown[] }).fields));
    const post = await fetch(`${ctx.apiUrl}/api/me/checkins`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: newKey(), answers: validAnswers }),
    });
    assert.equal(post.status, 201);
    const today2 = (await (await fetch(`${ctx.apiUrl}/api/me/today`, { headers: auth })).json()) as Record<
      string,
      unknown
    >;
    assert.equal((today2.record as { employee_id: number }).employee_id, e.id);
  });

  test('a used or unknown auth code is refused with 401', async () => {
    const e = member(7);
    const code = ctx.fake.state.issueAuthCode(e.userId);
    const ex = (authCode: string) =>
      fetch(`${ctx.apiUrl}/api/auth/dingtalk`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ authCode }),
      });
    assert.equal((await ex(code)).status, 200);
    assert.equal((await ex(code)).status, 401);
    assert.equal((await ex('nonsense')).status, 401);
  });

  test('the fake viewer opens a notification link as its recipient with a fresh code', async () => {
    const e = member(8);
    ctx.fake.state.record({
      kind: 'work_notification',
      to: [e.userId],
      droppedDuplicates: [],
      mentionsFired: [],
      title: 't',
      text: 't',
      link: `${ctx.apiUrl}/checkin?date=2026-01-01`,
      payload: {},
    });
    const msg = ctx.messages('work_notification', e.userId).at(-1);
    const res = await fetch(`${ctx.fake.url}/_fake/open?message=${msg?.id}&as=${e.userId}`, {
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get('location') ?? '');
    const code = loc.searchParams.get('authCode') ?? '';
    assert.equal(ctx.fake.state.redeemAuthCode(code), e.userId);
  });

  test('GET /healthz reports Postgres and Temporal', async () => {
    const res = await eventually(async () => {
      const r = await fetch(`${ctx.apiUrl}/healthz`);
      return r.status === 200 ? r : null;
    }, 10_000);
    assert.deepEqual(await res.json(), { status: 'ok', postgres: 'ok', temporal: 'ok' });
  });
});

describe('rate limits', () => {
  test('a burst of first submissions written together: each its own record, review, audit row, day and signals', async () => {
    const team = await ctx.department({ size: 12 });
    await ctx.expectToday(team.members);
    const fever = new Set(team.members.filter((_, i) => i % 3 === 0).map((e) => e.id));
    const bodies = team.members.map((e) => ({
      employee: e,
      body: {
        idempotencyKey: newKey(),
        answers: { ...validAnswers, temperature: fever.has(e.id) ? 39.2 : 36.5 },
      },
    }));
    // all at once (the group commit takes those waiting together), two of them double-tapped
    const sent = [...bodies, bodies[1] as (typeof bodies)[number], bodies[2] as (typeof bodies)[number]];
    // the batch's statements carry their values as quoted literals: a header of quotes, backslashes
    // and placeholders is stored as sent
    const agent = `O'Brien \\ "x" $1 $$ \\' --; \\x41 E'\\n'`;
    const first = bodies[0] as (typeof bodies)[number];
    const rs = await Promise.all(
      sent.map(({ employee, body }) =>
        employee === first.employee
          ? fetch(`${ctx.apiUrl}/api/me/checkins`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${ctx.token(employee.id)}`,
                'user-agent': agent,
              },
              body: JSON.stringify(body),
            }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))
          : ctx.submit(employee.id, body),
      ),
    );
    assert.deepEqual(rs.map((r) => r.status).sort(), [
      ...Array<number>(2).fill(200),
      ...Array<number>(12).fill(201),
    ]);
    const created = rs.filter((r) => r.status === 201).map((r) => r.body);
    const records = await ctx.db
      .selectFrom('health_records')
      .select(['id', 'employee_id', 'severity', 'idempotency_key', 'department_id'])
      .where(
        'employee_id',
        'in',
        team.members.map((e) => e.id),
      )
      .execute();
    assert.equal(records.length, 12);
    for (const { employee, body } of bodies) {
      const rec = records.find((r) => r.employee_id === employee.id);
      assert.equal(rec?.idempotency_key, body.idempotencyKey);
      assert.equal(rec.severity === 'normal', !fever.has(employee.id));
      const answered = created.find((b) => (b.record as { id: number }).id === rec.id);
      assert.ok(answered, `employee ${employee.id} was answered with their own record`);
      const review = await ctx.db
        .selectFrom('reviews')
        .select(['id', 'record_id', 'status'])
        .where('record_id', '=', rec.id)
        .executeTakeFirst();
      assert.equal(review?.id ?? null, answered.reviewId, 'the answer names the review the record opened');
      assert.equal(review !== undefined, fever.has(employee.id));
    }
    const days = await ctx.db
      .selectFrom('checkin_days')
      .select('outcome')
      .where(
        'employee_id',
        'in',
        team.members.map((e) => e.id),
      )
      .execute();
    assert.deepEqual(new Set(days.map((d) => d.outcome)), new Set(['submitted']));
    // each 201 committed its own audit row with its record
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('actor')
      .where(
        'actor',
        'in',
        team.members.map((e) => `employee:${e.id}`),
      )
      .where('status', '=', 201)
      .execute();
    assert.deepEqual(audits.map((a) => a.actor).sort(), team.members.map((e) => `employee:${e.id}`).sort());
    const firstAudit = await ctx.db
      .selectFrom('audit_log')
      .select('user_agent')
      .where('actor', '=', `employee:${first.employee.id}`)
      .executeTakeFirstOrThrow();
    assert.equal(firstAudit.user_agent, agent);
    const workDate = (created[0]?.record as { work_date: string }).work_date;
    const outbox = await ctx.db
      .selectFrom('signal_outbox')
      .select(['action', 'workflow_id'])
      .where(
        'workflow_id',
        'in',
        records.flatMap((r) => [checkinWorkflowId(workDate, r.employee_id), reviewWorkflowId(r.id)]),
      )
      .execute();
    assert.equal(outbox.filter((o) => o.action === 'signal').length, 12);
    assert.equal(outbox.filter((o) => o.action === 'start').length, fever.size);
  });

  test('an office behind one NAT address is not refused at 09:00: only unidentified callers count per IP', async () => {
    const office = '198.51.100.7';
    const team = await ctx.department({ size: 5 });
    await ctx.expectToday(team.members);
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${ctx.apiUrl}/api/me/checkins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': office, ...headers },
        body: JSON.stringify(body),
      });
    // five people, one address, above RATE_LIMIT_SUBMIT_PER_IP=3: every one is stored
    for (const e of team.members) {
      const r = await post(
        { authorization: `Bearer ${ctx.token(e.id)}` },
        { idempotencyKey: newKey(), answers: validAnswers },
      );
      assert.equal(r.status, 201);
    }
    // callers without an identity from that address are limited per IP
    const anonymous = [];
    for (let i = 0; i < 4; i++)
      anonymous.push((await post({}, { idempotencyKey: newKey(), answers: validAnswers })).status);
    assert.deepEqual(anonymous, [401, 401, 401, 429]);
  });
});
