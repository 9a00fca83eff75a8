// PIPL data rights and minimisation against the real API, Postgres and Temporal (compressed time):
// correction and deletion requests HR decides (approve deletes and audits counts, reject keeps
// and records the reason, undecided escalates), a departed employee's data deleted after the grace
// period and not before (nor after a reactivation), retention per data class, locations stored at
// the company's precision, and exports that state their purpose and carry a watermark.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { insertRecord } from '../../db/repositories/records.ts';
import { keyringOf, openAnswers, openReasons, sealPhoto } from '../../db/sealed-fields.ts';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition } from '../../domain/forms/form-definition.ts';
import { addDays, workDateAt } from '../../domain/zoned-time.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import type { dataRetention } from '../../workflows/data-retention.ts';
import { reviewStatusQuery } from '../../workflows/messages.ts';
import { reviewWorkflowId } from '../../domain/workflow-ids.ts';
import { codePhotoField, noisePng } from '../helpers/checkin-page.ts';
import { eventually, newKey, TestContext, validAnswers, type TestDepartment } from '../helpers/context.ts';

let ctx: TestContext;
let dept: TestDepartment;
let companyHr: { id: number; userId: string };
let today: string;
let locationForm: number;
const dir = mkdtempSync(join(tmpdir(), 'hc-data-rights-'));

// Compressed time: a request escalates after 4 s with reminders every 1.5 s; a departed
// employee's data goes 6 s after they left.
const DEADLINE_S = 4;
const GRACE_S = 6;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: {
      DATA_REQUEST_DEADLINE_HOURS: String(DEADLINE_S / 3600),
      DATA_REQUEST_REMINDER_HOURS: String(1.5 / 3600),
      DEPARTED_DATA_GRACE_DAYS: String(GRACE_S / 86_400),
      EXPORT_DIR: dir,
    },
  });
  dept = await ctx.department({ size: 13 });
  // company-wide HR, who hears of escalated requests
  const hrDept = await ctx.department({ size: 1, hr: false });
  const hrPerson = hrDept.members[0] as { id: number; userId: string };
  await ctx.db
    .insertInto('role_grants')
    .values({ employee_id: hrPerson.id, role: 'hr', all_departments: true })
    .execute();
  companyHr = hrPerson;
  today = workDateAt(new Date(), (await getPolicy(ctx.db)).timeZone);
  // a form with a location field (retention and precision of locations)
  const form: FormDefinition = structuredClone(defaultForm);
  form.fields.push(
    {
      key: 'where',
      type: 'location',
      required: false,
      label: { zh: '位置', en: 'Location' },
    },
    // and an optional photo (retention of photos)
    codePhotoField,
  );
  const draft = await ctx.admin('POST', '/api/forms', { definition: form });
  locationForm = draft.body.version as number;
  assert.equal((await ctx.admin('POST', `/api/forms/${locationForm}/publish`)).status, 200);
});
after(async () => ctx.close());

const member = (i: number) => dept.members[i] as { id: number; userId: string; departmentId: number };

async function me(employeeId: number, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ctx.apiUrl}/api/me${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token(employeeId)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A record of `employeeId` on `workDate` (with a location and, optionally, a photo and a review). */
async function seedRecord(
  employeeId: number,
  workDate: string,
  opts: { photoAt?: Date; review?: boolean; location?: boolean } = {},
) {
  const rec = await insertRecord(ctx.db, {
    employee_id: employeeId,
    department_id: dept.id,
    work_date: workDate,
    submitted_at: new Date(),
    client_submitted_at: null,
    answers: {
      ...validAnswers,
      temperature: 37.6,
      ...(opts.location === false ? {} : { where: { lat: 31.230416, lng: 121.473701, accuracy: 5 } }),
    },
    reasons: [],
    status: 'on_time',
    idempotency_key: newKey(),
    form_version: locationForm,
    severity: opts.review ? 'warning' : 'normal',
    recheck_of: null,
  });
  if (opts.photoAt)
    await ctx.db
      .insertInto('attachments')
      .values({
        employee_id: employeeId,
        record_id: rec.id,
        content_type: 'image/png',
        size_bytes: 4,
        ...sealPhoto(Buffer.from('png!'), keyringOf(ctx.db)),
        created_at: opts.photoAt,
      })
      .execute();
  if (opts.review)
    await ctx.db
      .insertInto('reviews')
      .values({
        record_id: rec.id,
        current_record_id: rec.id,
        employee_id: employeeId,
        department_id: dept.id,
        work_date: workDate,
        severity: 'warning',
      })
      .execute();
  return rec.id;
}

const countOf = async (table: 'health_records' | 'attachments' | 'reviews', employeeId: number) =>
  Number(
    (
      await ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('employee_id', '=', employeeId)
        .executeTakeFirstOrThrow()
    ).n,
  );

/**
 * The running review of `recordId` once it has learnt its record is a warning: its escalation
 * deadline is the warning's time (2 h by default) from the correction, not red's 30 min.
 */
async function warningClock(recordId: number) {
  const handle = ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId));
  const state = await eventually(
    async () => {
      const st = await handle.query(reviewStatusQuery);
      return st.severity === 'warning' ? st : null;
    },
    30_000,
    'the review workflow to learn the new severity',
  );
  const hoursLeft = (Date.parse(state.deadline ?? '') - Date.now()) / 3600_000;
  assert.ok(hoursLeft > 1.5 && hoursLeft <= 2, `the deadline follows the warning's time (${hoursLeft} h)`);
  return state;
}

/** A stored record's answers, opened with the database's keyring. */
const storedAnswers = async (recordId: number) =>
  openAnswers(
    (
      await ctx.db
        .selectFrom('health_records')
        .select('answers_ct')
        .where('id', '=', recordId)
        .executeTakeFirstOrThrow()
    ).answers_ct,
    keyringOf(ctx.db),
  );

const auditRows = (action: string, targetId?: string) =>
  ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .$if(targetId !== undefined, (q) => q.where('target_id', '=', targetId as string))
    .orderBy('id')
    .execute();

/** HR decides (the operator key holds company-wide HR); the workflow may still be starting. */
async function decide(id: string, body: Record<string, unknown>) {
  return eventually(
    async () => {
      const r = await ctx.admin('POST', `/api/ra/data-requests/${id}/decision`, body);
      return r.status === 503 ? undefined : r;
    },
    30_000,
    'the request workflow to take the decision',
  );
}

describe('correction and deletion requests', () => {
  test('an approved deletion removes the health data and leaves an audit row with counts', async () => {
    const e = member(0);
    await seedRecord(e.id, addDays(today, -3), { photoAt: new Date(), review: true });
    await seedRecord(e.id, addDays(today, -2));
    await seedRecord(e.id, addDays(today, -1));
    const other = member(1);
    await seedRecord(other.id, addDays(today, -1));

    const bad = await me(e.id, 'POST', '/data-requests', { kind: 'deletion', message: '' });
    assert.equal(bad.status, 400);
    const foreign = await me(e.id, 'POST', '/data-requests', {
      kind: 'deletion',
      recordId: String(await seedRecord(other.id, addDays(today, -4))),
      message: '删掉',
    });
    assert.equal(foreign.status, 400, 'a record of someone else is refused');
    assert.equal((foreign.body.errors as { code: string }[])[0]?.code, 'no_such_record');

    const filed = await me(e.id, 'POST', '/data-requests', { kind: 'deletion', message: '我已离职，请删除' });
    assert.equal(filed.status, 202);
    assert.equal(filed.body.status, 'pending');
    const id = filed.body.id as string;
    const mine = await me(e.id, 'GET', '/data-requests');
    assert.deepEqual(
      (mine.body.items as { id: string; kind: string; status: string }[]).map((i) => [
        i.id,
        i.kind,
        i.status,
      ]),
      [[id, 'deletion', 'pending']],
    );
    assert.deepEqual((await me(other.id, 'GET', '/data-requests')).body.items, [], 'only one’s own');
    // HR hears of it (the department's HR contact)
    const hrUser = (dept.hr as { userId: string }).userId;
    await eventually(() => ctx.messages('work_notification', hrUser).some((m) => m.title.includes(`#${id}`)));

    const missingReason = await ctx.admin('POST', `/api/ra/data-requests/${id}/decision`, {
      decision: 'approve',
    });
    assert.equal(missingReason.status, 400, 'a decision needs a reason');

    const decided = await decide(id, { decision: 'approve', reason: '员工离职，依法删除' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'approved');
    assert.deepEqual(
      [
        await countOf('health_records', e.id),
        await countOf('attachments', e.id),
        await countOf('reviews', e.id),
      ],
      [0, 0, 0],
    );
    assert.equal(await countOf('health_records', other.id), 2, 'nobody else’s data');

    const [audit] = await auditRows('data_requests.approve', String(e.id));
    assert.ok(audit, 'the decision is audited');
    assert.equal(audit.actor, 'operator');
    const detail = audit.detail as Record<string, unknown>;
    assert.deepEqual(detail.deleted, { records: 3, photos: 1, reviews: 1 });
    assert.equal(detail.reason, '员工离职，依法删除');
    assert.equal(detail.requestId, Number(id));
    assert.doesNotMatch(JSON.stringify(audit), /37\.6|121\.47|我已离职/, 'counts, never contents');

    const after = (await me(e.id, 'GET', '/data-requests')).body.items as Record<string, unknown>[];
    assert.equal(after[0]?.status, 'approved');
    assert.equal(after[0]?.reason, '员工离职，依法删除');
    assert.ok(after[0]?.decidedAt);
    const again = await ctx.admin('POST', `/api/ra/data-requests/${id}/decision`, {
      decision: 'reject',
      reason: 'x',
    });
    assert.equal(again.status, 409, 'decided once');
  });

  test('a rejected request keeps the data and records who, when and why', async () => {
    const e = member(2);
    const recordId = await seedRecord(e.id, addDays(today, -2));
    const filed = await me(e.id, 'POST', '/data-requests', {
      kind: 'deletion',
      recordId: String(recordId),
      message: '这天的记录请删除',
    });
    assert.equal(filed.status, 202);
    const id = filed.body.id as string;
    const decided = await decide(id, { decision: 'reject', reason: '法定保存期内，不能删除' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(await countOf('health_records', e.id), 1);
    const row = await ctx.db
      .selectFrom('data_requests')
      .selectAll()
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.status, row.reason, row.decided_by],
      ['rejected', '法定保存期内，不能删除', 'operator'],
    );
    assert.ok(row.decided_at);
    const [audit] = await auditRows('data_requests.reject', String(e.id));
    assert.equal((audit?.detail as { reason: string }).reason, '法定保存期内，不能删除');
    // the admin list shows it with the employee's message opened
    const list = await ctx.admin(
      'GET',
      `/api/ra/data-requests?filter=${encodeURIComponent(JSON.stringify({ id: [Number(id)] }))}`,
    );
    assert.equal(list.status, 200);
    const items = list.body as unknown as { message: string; status: string }[];
    assert.deepEqual([items[0]?.message, items[0]?.status], ['这天的记录请删除', 'rejected']);
  });

  test('an approved correction applies the corrected answers as an audited amendment', async () => {
    const e = member(3);
    const recordId = await seedRecord(e.id, addDays(today, -1));
    const filed = await me(e.id, 'POST', '/data-requests', {
      kind: 'correction',
      recordId: String(recordId),
      message: '体温填错了，应为 36.6',
    });
    const id = filed.body.id as string;
    const invalid = await ctx.admin('POST', `/api/ra/data-requests/${id}/decision`, {
      decision: 'approve',
      reason: '核实',
      corrections: { temperature: 'hot' },
    });
    assert.equal(invalid.status, 400, 'corrections must fit the form');
    const decided = await decide(id, {
      decision: 'approve',
      reason: '已核实',
      corrections: { temperature: 36.6 },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal((await storedAnswers(recordId)).temperature, 36.6);
    const [audit] = await auditRows('data_requests.approve', String(e.id));
    assert.deepEqual((audit?.detail as { correctedFields: string[] }).correctedFields, ['temperature']);
  });

  test('an approved correction assesses the record again: severity, reasons, dashboard figures and review', async () => {
    const e = member(10);
    const submitted = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const recordId = (submitted.body.record as { id: number }).id;
    const stored = () =>
      ctx.db
        .selectFrom('health_records')
        .select(['severity', 'reasons_ct'])
        .where('id', '=', recordId)
        .executeTakeFirstOrThrow();
    const stats = async () => {
      const row = await ctx.db
        .selectFrom('department_day_stats')
        .select(['warnings', 'reds'])
        .where('work_date', '=', today)
        .where('department_id', '=', dept.id)
        .executeTakeFirst();
      const trend = await ctx.admin('GET', `/api/dashboard/trend?from=${today}&to=${today}`);
      const day = (trend.body.days as { warnings: number; reds: number }[])[0];
      // the trigger-kept figures agree with a recount from the records
      const { rows } = await sql<{ reds: number; warnings: number }>`
        select reds, warnings from department_day_stats_recount(${today}::date, ${today}::date)
        where department_id = ${dept.id}`.execute(ctx.db);
      assert.deepEqual(
        { warnings: row?.warnings ?? 0, reds: row?.reds ?? 0 },
        { warnings: rows[0]?.warnings ?? 0, reds: rows[0]?.reds ?? 0 },
      );
      return { reds: row?.reds ?? 0, trendReds: day?.reds ?? 0 };
    };
    const correct = async (temperature: number) => {
      const filed = await me(e.id, 'POST', '/data-requests', {
        kind: 'correction',
        recordId: String(recordId),
        message: `体温应为 ${temperature}`,
      });
      assert.equal(filed.status, 202);
      const decided = await decide(filed.body.id as string, {
        decision: 'approve',
        reason: '已核实',
        corrections: { temperature },
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      return decided.body.outcome as { severity: unknown; review: { action: string; reviewId: number } };
    };
    assert.equal((await stored()).severity, 'normal');
    const before = await stats();

    // 36.5 → 38.5: red, as a submission of 38.5 would be, and a review opens
    const up = await correct(38.5);
    assert.deepEqual(up.severity, { before: 'normal', after: 'red' });
    assert.equal(up.review.action, 'open');
    const red = await stored();
    assert.equal(red.severity, 'red');
    assert.deepEqual(
      openReasons(red.reasons_ct, keyringOf(ctx.db)).map((r) => [r.source, r.severity]),
      [['temperature', 'red']],
    );
    const afterUp = await stats();
    assert.equal(afterUp.reds, before.reds + 1, 'the department’s reds count the corrected record');
    assert.equal(afterUp.trendReds, before.trendReds + 1, 'the dashboard trend shows it');
    const review = await ctx.db
      .selectFrom('reviews')
      .selectAll()
      .where('record_id', '=', recordId)
      .executeTakeFirstOrThrow();
    assert.deepEqual([review.id, review.status, review.severity], [up.review.reviewId, 'pending', 'red']);
    await eventually(
      async () => {
        try {
          return (await ctx.temporal.workflow.getHandle(reviewWorkflowId(recordId)).describe()).status.name;
        } catch {
          return undefined;
        }
      },
      30_000,
      'the review workflow to start',
    );
    const [audit] = (await auditRows('data_requests.approve', String(e.id))).slice(-1);
    assert.deepEqual((audit?.detail as { severity: unknown }).severity, { before: 'normal', after: 'red' });

    // 38.5 → 37.6: a warning; the open review and its running workflow follow, so the manager gets
    // the warning's time (2 h here) before HR is brought in, not red's 30 min
    const mild = await correct(37.6);
    assert.deepEqual([mild.severity, mild.review.action], [{ before: 'red', after: 'warning' }, 'update']);
    assert.equal((await warningClock(recordId)).status, 'pending');

    // and back to 36.5: normal again; the open review stays for its reviewer, with the correction noted
    const down = await correct(36.5);
    assert.deepEqual(down.severity, { before: 'warning', after: 'normal' });
    assert.equal(down.review.action, 'update');
    const normal = await stored();
    assert.equal(normal.severity, 'normal');
    assert.deepEqual(openReasons(normal.reasons_ct, keyringOf(ctx.db)), []);
    const afterDown = await stats();
    assert.deepEqual(afterDown, before, 'the figures are back to what they were');
    const reviewNow = await ctx.db
      .selectFrom('reviews')
      .select(['status', 'severity', 'history'])
      .where('id', '=', review.id)
      .executeTakeFirstOrThrow();
    assert.equal(reviewNow.status, 'pending');
    const last = reviewNow.history.at(-1);
    assert.deepEqual([last?.event, last?.severity, last?.recordId], ['corrected', 'normal', recordId]);
  });

  test('correcting a day assesses the later days whose history rules read it: severity, review and its workflow', async () => {
    const e = member(12);
    // yesterday 37.6 (a warning), today 37.6 again: two warnings running make today red
    const yesterdayId = await seedRecord(e.id, addDays(today, -1), { review: true });
    const sick = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, temperature: 37.6 },
    });
    assert.equal(sick.status, 201, JSON.stringify(sick.body));
    const todayId = (sick.body.record as { id: number; severity: string }).id;
    assert.equal((sick.body.record as { severity: string }).severity, 'red');
    const handle = ctx.temporal.workflow.getHandle(reviewWorkflowId(todayId));
    await eventually(
      async () => (await handle.query(reviewStatusQuery).catch(() => null))?.severity === 'red',
      30_000,
      'the red review running',
    );

    // yesterday was 36.5 after all: today is a warning on its own temperature, no longer red
    const filed = await me(e.id, 'POST', '/data-requests', {
      kind: 'correction',
      recordId: String(yesterdayId),
      message: '昨天体温应为 36.5',
    });
    assert.equal(filed.status, 202);
    const decided = await decide(filed.body.id as string, {
      decision: 'approve',
      reason: '已核实',
      corrections: { temperature: 36.5 },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const outcome = decided.body.outcome as { severity: unknown; laterDays?: unknown };
    assert.deepEqual(outcome.severity, { before: 'warning', after: 'normal' });
    assert.deepEqual(outcome.laterDays, [
      {
        recordId: todayId,
        workDate: today,
        severity: { before: 'red', after: 'warning' },
        review: { action: 'update', reviewId: sick.body.reviewId },
      },
    ]);
    const todayRow = await ctx.db
      .selectFrom('health_records')
      .select(['severity', 'reasons_ct'])
      .where('id', '=', todayId)
      .executeTakeFirstOrThrow();
    assert.equal(todayRow.severity, 'warning');
    assert.deepEqual(
      openReasons(todayRow.reasons_ct, keyringOf(ctx.db)).map((r) => [r.source, r.severity]),
      [['temperature', 'warning']],
    );
    const review = await ctx.db
      .selectFrom('reviews')
      .select(['severity', 'status', 'history'])
      .where('record_id', '=', todayId)
      .executeTakeFirstOrThrow();
    assert.deepEqual([review.severity, review.status], ['warning', 'pending']);
    const last = review.history.at(-1);
    assert.deepEqual([last?.event, last?.severity, last?.recordId], ['reassessed', 'warning', todayId]);
    await warningClock(todayId);
  });

  test('an undecided request reminds HR and escalates to company-wide HR after the deadline', async () => {
    const e = member(4);
    const filed = await me(e.id, 'POST', '/data-requests', { kind: 'deletion', message: '请删除' });
    const id = Number(filed.body.id);
    const row = () =>
      ctx.db.selectFrom('data_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal((await row()).escalated, false, 'not before the deadline');
    await eventually(async () => (await row()).escalated, 30_000, 'escalation');
    const r = await row();
    assert.equal(r.status, 'pending');
    assert.ok(Date.now() - r.created_at.getTime() >= DEADLINE_S * 1000, 'not before the deadline');
    assert.ok(r.reminders >= 2, `HR reminded before escalating (${r.reminders})`);
    assert.ok(
      ctx.messages('work_notification', companyHr.userId).some((m) => m.title.includes(`#${id}`)),
      'company-wide HR is told',
    );
    // still decidable after escalation
    assert.equal((await decide(String(id), { decision: 'reject', reason: '不适用' })).status, 200);
  });
});

describe('departed employees', () => {
  test('the health data goes after the grace period, not earlier, with an audit row of counts', async () => {
    const e = member(5);
    await seedRecord(e.id, addDays(today, -2), { photoAt: new Date(), review: true });
    await seedRecord(e.id, addDays(today, -1));
    const off = await ctx.admin('PUT', `/api/ra/employees/${e.id}`, { active: false });
    assert.equal(off.status, 200);
    const leftAt = Date.now();
    await new Promise((r) => setTimeout(r, (GRACE_S - 3) * 1000));
    assert.equal(await countOf('health_records', e.id), 2, 'nothing before the grace period ends');
    await eventually(async () => (await countOf('health_records', e.id)) === 0, 30_000, 'deletion');
    assert.ok(Date.now() - leftAt >= GRACE_S * 1000 - 500);
    assert.deepEqual([await countOf('attachments', e.id), await countOf('reviews', e.id)], [0, 0]);
    const [audit] = await auditRows('departure.delete_health_data', String(e.id));
    assert.deepEqual((audit?.detail as { deleted: unknown }).deleted, { records: 2, photos: 1, reviews: 1 });
    // the person stays (deactivated), with their attendance
    const person = await ctx.db
      .selectFrom('employees')
      .select(['active', 'deactivated_at'])
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.equal(person.active, false);
    assert.ok(person.deactivated_at);
  });

  test('a reactivated employee keeps their data', async () => {
    const e = member(6);
    await seedRecord(e.id, addDays(today, -1));
    assert.equal((await ctx.admin('PUT', `/api/ra/employees/${e.id}`, { active: false })).status, 200);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await ctx.admin('PUT', `/api/ra/employees/${e.id}`, { active: true })).status, 200);
    const result = await eventually(
      async () => {
        try {
          return (await ctx.temporal.workflow.getHandle(`departure-${e.id}`).result()) as { outcome: string };
        } catch {
          return undefined;
        }
      },
      30_000,
      'departure workflow to end',
    );
    assert.equal(result.outcome, 'reactivated');
    await new Promise((r) => setTimeout(r, GRACE_S * 1000 + 1000));
    assert.equal(await countOf('health_records', e.id), 1);
    assert.equal((await auditRows('departure.delete_health_data', String(e.id))).length, 0);
  });
});

describe('minimisation', () => {
  test('retention deletes what is older per data class', async () => {
    const e = member(7);
    const settings = {
      recordRetentionDays: 30,
      photoRetentionDays: 7,
      locationRetentionDays: 3,
      auditRetentionDays: 100,
      locationDecimals: null,
      departedGraceDays: null,
    };
    const saved = await ctx.admin('PUT', '/api/privacy/settings', settings);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual((await ctx.admin('GET', '/api/privacy/settings')).body.settings, settings);
    const old = await seedRecord(e.id, addDays(today, -40));
    const tenDays = await seedRecord(e.id, addDays(today, -10), {
      photoAt: new Date(Date.now() - 10 * 86_400_000),
    });
    const fiveDays = await seedRecord(e.id, addDays(today, -5), {
      photoAt: new Date(Date.now() - 2 * 86_400_000),
    });
    const yesterday = await seedRecord(e.id, addDays(today, -1));
    for (const [days, tag] of [
      [120, 'old'],
      [50, 'kept'],
    ] as const)
      await ctx.db
        .insertInto('audit_log')
        .values({
          at: new Date(Date.now() - days * 86_400_000),
          actor: 'test',
          actor_roles: [],
          action: `per-class.${tag}`,
          outcome: 'success',
        })
        .execute();

    await ctx.temporal.workflow.execute<typeof dataRetention>('dataRetention', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: `retention-${newKey()}`,
      args: [{}],
    });
    const ids = (
      await ctx.db
        .selectFrom('health_records')
        .select('id')
        .where('employee_id', '=', e.id)
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    assert.deepEqual(ids, [tenDays, fiveDays, yesterday], 'records past 30 days go');
    assert.ok(!ids.includes(old));
    const photos = await ctx.db
      .selectFrom('attachments')
      .select('record_id')
      .where('employee_id', '=', e.id)
      .execute();
    assert.deepEqual(
      photos.map((p) => p.record_id),
      [fiveDays],
      'photos past 7 days go',
    );
    const where = async (id: number) => (await storedAnswers(id)).where;
    assert.deepEqual(await where(tenDays), { status: 'removed' });
    assert.deepEqual(await where(fiveDays), { status: 'removed' }, 'locations past 3 days go');
    assert.deepEqual(await where(yesterday), { lat: 31.230416, lng: 121.473701, accuracy: 5 });
    assert.equal((await auditRows('per-class.old')).length, 0, 'audit past 100 days goes');
    assert.equal((await auditRows('per-class.kept')).length, 1);
    const runs = await auditRows('retention.purge');
    const run = runs.at(-1)?.detail as Record<string, unknown>;
    assert.deepEqual(run.days, { records: 30, photos: 7, locations: 3, audit: 100 });
    assert.ok((run.photosDeleted as number) >= 1 && (run.locationsRemoved as number) >= 2);
    await ctx.admin('PUT', '/api/privacy/settings', {
      ...settings,
      recordRetentionDays: null,
      photoRetentionDays: null,
      locationRetentionDays: null,
      auditRetentionDays: null,
    });
  });

  test('a photo removed by retention reads as removed: 410 problem, marked answer, admin view and Excel', async () => {
    const e = member(11);
    const uploaded = await fetch(`${ctx.apiUrl}/api/me/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${ctx.token(e.id)}` },
      body: noisePng(8),
    });
    assert.equal(uploaded.status, 201);
    const photoId = ((await uploaded.json()) as { id: string }).id;
    // uploaded ten days ago, past a 7-day photo period
    await sql`update attachments set created_at = now() - interval '10 days' where id = ${photoId}`.execute(
      ctx.db,
    );
    const seed = (workDate: string) =>
      insertRecord(ctx.db, {
        employee_id: e.id,
        department_id: dept.id,
        work_date: workDate,
        submitted_at: new Date(),
        client_submitted_at: null,
        answers: { ...validAnswers, codePhoto: { photoId } },
        reasons: [],
        status: 'on_time',
        idempotency_key: newKey(),
        form_version: locationForm,
        severity: 'normal',
        recheck_of: null,
      });
    const linked = await seed(addDays(today, -4));
    await ctx.db.updateTable('attachments').set({ record_id: linked.id }).where('id', '=', photoId).execute();
    // another day's record naming the same photo (not the one it is linked to)
    const reused = await seed(addDays(today, -3));
    const photo = (recordId: number, id = photoId) =>
      fetch(`${ctx.apiUrl}/api/records/${recordId}/attachments/${id}`, {
        headers: { 'x-admin-token': ctx.operatorKey, 'accept-language': 'zh-CN' },
      });
    assert.equal((await photo(linked.id)).status, 200, 'shown before retention');

    const settings = {
      recordRetentionDays: null,
      photoRetentionDays: 7,
      locationRetentionDays: null,
      auditRetentionDays: null,
      locationDecimals: null,
      departedGraceDays: null,
    };
    assert.equal((await ctx.admin('PUT', '/api/privacy/settings', settings)).status, 200);
    try {
      await ctx.temporal.workflow.execute<typeof dataRetention>('dataRetention', {
        taskQueue: ctx.config.temporal.taskQueue,
        workflowId: `retention-${newKey()}`,
        args: [{}],
      });
    } finally {
      await ctx.admin('PUT', '/api/privacy/settings', { ...settings, photoRetentionDays: null });
    }
    assert.equal(await countOf('attachments', e.id), 0, 'the image is gone');
    assert.deepEqual((await storedAnswers(linked.id)).codePhoto, { photoId, status: 'removed' });

    for (const id of [linked.id, reused.id]) {
      const res = await photo(id);
      assert.equal(res.status, 410, `record ${id}: gone, not a broken image`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      const problem = (await res.json()) as { code: string; title: string };
      assert.equal(problem.code, 'photo_removed');
      assert.match(problem.title, /已按保留策略删除/);
    }
    assert.equal(
      (await photo(linked.id, '00000000-0000-4000-8000-000000000000')).status,
      404,
      'a photo the record never named is still not found',
    );

    // the admin view reports it (both records) and renders the words, in both languages
    for (const id of [linked.id, reused.id]) {
      const view = await ctx.admin('GET', `/api/ra/records/${id}`);
      assert.equal(view.status, 200, JSON.stringify(view.body));
      assert.deepEqual((view.body.answers as Record<string, unknown>).codePhoto, {
        photoId,
        status: 'removed',
      });
      const rendered = (view.body.rendered as { key: string; value: { zh: string; en: string } }[]).find(
        (a) => a.key === 'codePhoto',
      );
      assert.deepEqual(rendered?.value, { zh: '已按保留策略删除', en: 'removed by retention policy' });
    }

    // the Excel report prints the words
    const res = await fetch(`${ctx.apiUrl}/api/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
      body: JSON.stringify({
        from: addDays(today, -4),
        to: addDays(today, -4),
        departmentIds: [dept.id],
        format: 'xlsx',
        purpose: '保留策略检查',
      }),
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    const cells: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(c.text)));
    assert.ok(
      cells.includes('已按保留策略删除 (removed by retention policy)'),
      'the photo column says it was removed',
    );
    assert.ok(!cells.some((c) => c.includes(photoId) && c.includes('{')), 'no raw reference');

    // a correction of the record is not blocked by the removed photo
    const filed = await me(e.id, 'POST', '/data-requests', {
      kind: 'correction',
      recordId: String(linked.id),
      message: '体温应为 36.6',
    });
    const decided = await decide(filed.body.id as string, {
      decision: 'approve',
      reason: '已核实',
      corrections: { temperature: 36.6 },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const corrected = await storedAnswers(linked.id);
    assert.deepEqual([corrected.temperature, corrected.codePhoto], [36.6, { photoId, status: 'removed' }]);
  });

  test('locations are stored at the company’s precision', async () => {
    const e = member(8);
    const base = {
      recordRetentionDays: null,
      photoRetentionDays: null,
      locationRetentionDays: null,
      auditRetentionDays: null,
      departedGraceDays: null,
    };
    const refused = await ctx.admin('PUT', '/api/privacy/settings', { ...base, locationDecimals: 9 });
    assert.equal(refused.status, 400);
    assert.equal(
      (await ctx.admin('PUT', '/api/privacy/settings', { ...base, locationDecimals: 3 })).status,
      200,
    );
    const r = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, where: { lat: 31.230416, lng: 121.473701, accuracy: 5 } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = (r.body.record as { id: number }).id;
    const stored = await storedAnswers(id);
    assert.deepEqual(stored.where, { lat: 31.23, lng: 121.474, accuracy: 111 });
    await ctx.admin('PUT', '/api/privacy/settings', { ...base, locationDecimals: null });
  });
});

describe('exports', () => {
  const body = () => ({ from: addDays(today, -5), to: today, departmentIds: [dept.id], format: 'xlsx' });

  test('an export without a purpose is refused with purpose_required', async () => {
    const r = await ctx.admin('POST', '/api/exports', body());
    assert.equal(r.status, 400);
    assert.deepEqual(
      (r.body.errors as { field: string; code: string }[]).map((x) => [x.field, x.code]),
      [['purpose', 'purpose_required']],
    );
    const blank = await ctx.admin('POST', '/api/exports', { ...body(), purpose: '   ' });
    assert.equal(blank.status, 400);
  });

  test('with a purpose: the audit row has it and Excel and PDF carry the watermark', async () => {
    await seedRecord(member(9).id, addDays(today, -1), { review: true });
    const purpose = '疫情防控月度统计';
    const res = await fetch(`${ctx.apiUrl}/api/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
      body: JSON.stringify({ ...body(), purpose }),
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('记录 Records') as ExcelJS.Worksheet;
    const note = ws.getCell('A1').note;
    const noteText = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
    for (const text of [
      noteText,
      ws.headerFooter.oddHeader ?? '',
      ws.headerFooter.oddFooter ?? '',
      wb.description,
    ]) {
      assert.match(text, /Exported by operator/);
      assert.match(text, new RegExp(purpose));
      assert.match(text, new RegExp(today));
    }
    const audit = await eventually(async () =>
      (await auditRows('exports.create')).find((a) => (a.detail as { purpose?: string }).purpose === purpose),
    );
    assert.equal(audit.actor, 'operator');

    const pdfRes = await fetch(`${ctx.apiUrl}/api/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
      body: JSON.stringify({ ...body(), format: 'pdf', purpose }),
    });
    assert.equal(pdfRes.status, 200);
    const file = join(dir, 'report.pdf');
    writeFileSync(file, Buffer.from(await pdfRes.arrayBuffer()));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())?.[1] ?? 0);
    assert.ok(pages >= 1);
    for (let n = 1; n <= pages; n++) {
      const text = execFileSync('pdftotext', ['-f', String(n), '-l', String(n), file, '-']).toString();
      assert.match(text, /Exported by operator/, `page ${n} has the watermark`);
      assert.match(text, new RegExp(purpose));
    }

    // a large export runs as the reportExport workflow: its file carries the same watermark
    const queued = await ctx.admin('POST', '/api/exports', { ...body(), purpose, mode: 'async' });
    assert.equal(queued.status, 202);
    assert.equal(queued.body.purpose, purpose);
    const exportId = queued.body.id as number;
    await eventually(
      async () => (await ctx.admin('GET', `/api/exports/${exportId}`)).body.status === 'done',
      60_000,
      'async export done',
    );
    const file2 = await fetch(`${ctx.apiUrl}/api/exports/${exportId}/download`, {
      headers: { 'x-admin-token': ctx.operatorKey },
    });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(await file2.arrayBuffer());
    assert.match(wb2.description, /Exported by operator/);
    assert.match(wb2.description, new RegExp(purpose));
  });
});
