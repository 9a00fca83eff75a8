// Privacy notice and consent (PIPL): a submission needs consent to the current notice version where
// consent is the legal basis (single path, group commit, offline resend), an acknowledgement basis
// needs only the acknowledgement, a new version asks again, and a withdrawal stops the running
// day's ladder and the next days' fan-out for that person until they consent again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../config/logger.ts';
import type { Database } from '../../db/database.ts';
import { keyringOf, withFieldKeys } from '../../db/sealed-fields.ts';
import { createDingTalk } from '../../platform/dingtalk.ts';
import { translate } from '../../admin-ui/src/i18n/translate.ts';
import { problemText } from '../../admin-ui/src/problem-text.ts';
import { findDay } from '../../db/repositories/checkin-days.ts';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { signInEmployee } from '../helpers/staff-client.ts';
import { eventually, newKey, TestContext, validAnswers, type TestEmployee } from '../helpers/context.ts';

let ctx: TestContext;
let dept: Awaited<ReturnType<TestContext['department']>>;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  dept = await ctx.department({ size: 10 });
});
after(async () => ctx.close());

const member = (i: number) => dept.members[i] as TestEmployee;

const text = (tag: string) => ({
  purpose: `疫情期间的健康监测 ${tag}`,
  audience: '仅限直属主管与 HR',
  processors: '钉钉（阿里巴巴）',
  rights: '可在“我的数据”中查阅、下载、申请更正或删除',
  contact: 'dpo@example.com',
});

/** Creates and publishes a notice version as the admin; its version number. */
async function publish(legalBasis: 'consent' | 'hr_management', showReaderNames = false): Promise<number> {
  const draft = await ctx.admin('POST', '/api/privacy/notices', {
    legalBasis,
    content: { zh: text('zh'), en: text('en') },
    showReaderNames,
  });
  assert.equal(draft.status, 201, JSON.stringify(draft.body));
  const version = draft.body.version as number;
  const pub = await ctx.admin('POST', `/api/privacy/notices/${version}/publish`, {});
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  return version;
}

async function me(e: TestEmployee, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ctx.apiUrl}/api/me${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ctx.token(e.id)}`,
      'user-agent': 'privacy-test/1.0',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const t = await res.text();
  return { status: res.status, body: (t ? JSON.parse(t) : {}) as Record<string, unknown> };
}

const answer = (e: TestEmployee, version: number, action: 'acknowledged' | 'consented' | 'withdrawn') =>
  me(e, 'POST', '/privacy/answers', { version, action });

const recordsOf = async (employeeId: number) =>
  (await ctx.db.selectFrom('health_records').select('id').where('employee_id', '=', employeeId).execute())
    .length;

describe('privacy notice and consent', () => {
  test('without a published notice nothing is asked and submissions are stored', async () => {
    const e = member(0);
    await ctx.expectToday([e]);
    const today = await me(e, 'GET', '/today');
    assert.deepEqual((today.body.privacy as { needed: string }).needed, 'none');
    assert.equal((await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
  });

  let v1 = 0;
  test('consent basis: refused with consent_required before consent, stored after; consent keeps time, version, IP, UA', async () => {
    v1 = await publish('consent');
    const e = member(1);
    await ctx.expectToday([e]);
    const today = await me(e, 'GET', '/today');
    assert.deepEqual(today.body.privacy, {
      version: v1,
      legalBasis: 'consent',
      needed: 'consent',
      state: null,
    });
    const notice = await me(e, 'GET', '/privacy');
    const view = notice.body.notice as { fields: { key: string }[]; retention: { recordDays: number } };
    assert.ok(
      view.fields.some((f) => f.key === 'temperature'),
      'the form fields are listed automatically',
    );
    assert.equal(view.retention.recordDays, ctx.config.retention.recordDays);

    const key = newKey();
    const refused = await ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'consent_required');
    assert.deepEqual(refused.body.params, { version: v1 });
    const errors = refused.body.errors as { field: string; code: string }[];
    assert.deepEqual(
      errors.map((x) => [x.field, x.code]),
      [['privacyNotice', 'consent_required']],
    );
    // the page says it in the employee's language
    const zh = problemText({ problem: refused.body }, (k, v) => translate('zh', k, v), 'zh');
    assert.match(zh, new RegExp(`同意第 ${v1} 版隐私告知`));
    assert.equal(await recordsOf(e.id), 0, 'nothing stored');

    // an acknowledgement is not consent
    assert.equal((await answer(e, v1, 'acknowledged')).status, 400);
    // an answer to an older version than the current one is refused
    assert.equal((await answer(e, v1 + 1000, 'consented')).status, 409);
    const ok = await answer(e, v1, 'consented');
    assert.equal(ok.status, 201);
    const row = await ctx.db
      .selectFrom('privacy_consents')
      .selectAll()
      .where('employee_id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.notice_version, v1);
    assert.equal(row.action, 'consented');
    assert.equal(row.user_agent, 'privacy-test/1.0');
    assert.ok(row.ip, 'the IP is kept');
    assert.ok(Date.now() - row.at.getTime() < 60_000);
    assert.equal(((await me(e, 'GET', '/today')).body.privacy as { needed: string }).needed, 'none');

    // the same key (the page's held submission) goes through now
    const stored = await ctx.submit(e.id, { idempotencyKey: key, answers: validAnswers });
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
  });

  test('the group commit path and an offline resend are refused alike, and accepted after consent', async () => {
    const people = [member(2), member(3), member(4)];
    await ctx.expectToday(people);
    const keys = people.map(() => newKey());
    const clientSubmittedAt = new Date(Date.now() - 60_000).toISOString();
    const body = (i: number) => ({ idempotencyKey: keys[i], answers: validAnswers, clientSubmittedAt });
    // concurrent first submissions: the API's group commit would take them together
    const refused = await Promise.all(people.map((e, i) => ctx.submit(e.id, body(i))));
    assert.deepEqual(
      refused.map((r) => [r.status, r.body.code]),
      people.map(() => [403, 'consent_required']),
    );
    for (const e of people) assert.equal(await recordsOf(e.id), 0);
    for (const e of people) assert.equal((await answer(e, v1, 'consented')).status, 201);
    const stored = await Promise.all(people.map((e, i) => ctx.submit(e.id, body(i))));
    assert.deepEqual(
      stored.map((r) => r.status),
      [201, 201, 201],
    );
  });

  test('a new version asks again; the acknowledgement basis needs only the acknowledgement', async () => {
    const e = member(1); // consented to v1 and submitted today
    const v2 = await publish('hr_management');
    assert.equal(((await me(e, 'GET', '/today')).body.privacy as { needed: string }).needed, 'acknowledge');
    // HR management as the basis: the page asks, the API does not refuse
    const f = member(5);
    await ctx.expectToday([f]);
    assert.equal((await ctx.submit(f.id, { idempotencyKey: newKey(), answers: validAnswers })).status, 201);
    assert.equal((await answer(f, v2, 'acknowledged')).status, 201);
    assert.equal(((await me(f, 'GET', '/today')).body.privacy as { needed: string }).needed, 'none');

    // back to consent as v3: the v1 consent no longer counts
    const v3 = await publish('consent');
    const g = member(2); // consented to v1, submitted today
    const refused = await ctx.submit(g.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.params, { version: v3 });
    assert.equal(((await me(g, 'GET', '/today')).body.privacy as { needed: string }).needed, 'consent');
  });

  test('withdrawal stops the running ladder (no reminder after it) and the next fan-out; re-consent resumes', async () => {
    const notice = await me(member(6), 'GET', '/privacy');
    const version = (notice.body.notice as { version: number }).version;
    const [w, other] = [member(6), member(7)];
    for (const e of [w, other]) assert.equal((await answer(e, version, 'consented')).status, 201);

    // a compressed day: level 1 after 4 s, level 2 after 16 s
    const s = await ctx.schedule(900);
    await ctx.startDay([w], s);
    await eventually(
      async () =>
        (await listRemindersForDay(ctx.db, s.workDate, [w.id])).some(
          (r) => r.level === 1 && r.status === 'sent',
        ),
      30_000,
      'the level-1 reminder',
    );
    const withdrawn = await answer(w, version, 'withdrawn');
    assert.equal(withdrawn.status, 201);
    assert.equal(withdrawn.body.stoppedToday, true);
    const result = await ctx.dayResult(s.workDate, w.id);
    assert.equal(result.outcome, 'exempt');
    // the department ladder may send level 1 before the day's own timer marks it: 0 or 1, never 2
    assert.ok(result.levelReached <= 1, `level reached ${result.levelReached}`);
    const day = await findDay(ctx.db, w.id, s.workDate);
    assert.equal(day?.outcome, 'exempt');
    assert.equal(day?.exempt_reason, 'consent_withdrawn');
    // past where level 2 would have gone: nothing more reached the person or the group
    await new Promise((r) => setTimeout(r, 16_000 + s.batchWindowMs));
    const levels = (await listRemindersForDay(ctx.db, s.workDate, [w.id])).map((r) => r.level);
    assert.deepEqual(levels, [1]);
    assert.equal(ctx.messages('work_notification', w.userId).length, 1);
    assert.equal(
      ctx.messages('robot').filter((m) => m.text.includes(w.name)).length,
      0,
      'no @mention of the manager about them',
    );

    // the console counts the answers per version
    const list = await ctx.admin('GET', '/api/privacy/notices');
    const current = (list.body as unknown as { version: number; answers: { withdrawn: number } }[]).find(
      (n) => n.version === version,
    );
    assert.equal(current?.answers.withdrawn, 1);

    // submissions are refused while withdrawn
    const refused = await ctx.submit(w.id, { idempotencyKey: newKey(), answers: validAnswers });
    assert.equal(refused.status, 403);
    assert.equal((refused.body.errors as { code: string }[])[0]?.code, 'consent_withdrawn');

    // nor may their manager fill it in for them (代填)
    const mgr = await signInEmployee(ctx, dept.manager);
    const proxied = await mgr.call('POST', `/api/employees/${w.id}/proxy-checkins`, {
      idempotencyKey: newKey(),
      answers: validAnswers,
      reason: '员工手机故障',
    });
    assert.equal(proxied.status, 403);
    assert.equal((proxied.body as { code: string }).code, 'consent_required');

    // the dashboard and the person's days say "consent withdrawn", not missed
    const dash = await ctx.admin('GET', '/api/dashboard/today');
    assert.ok((dash.body.consentWithdrawn as number) >= 1);
    const days = await ctx.admin('GET', `/api/ra/employees/${w.id}/days?days=1`);
    const today = (days.body.days as { work_date: string; outcome: string; reason: string }[])[0];
    assert.deepEqual([today?.outcome, today?.reason], ['exempt', 'consent_withdrawn']);

    // the Excel report lists them on their own sheet, never among the non-submitters
    const xlsx = await fetch(`${ctx.apiUrl}/api/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
      body: JSON.stringify({
        from: s.workDate,
        to: s.workDate,
        departmentIds: [dept.id],
        format: 'xlsx',
        purpose: 'consent test',
      }),
    });
    assert.equal(xlsx.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const names = (sheet: string) => {
      const out: string[] = [];
      wb.getWorksheet(sheet)?.eachRow((row) => out.push(row.getCell(2).text));
      return out;
    };
    assert.ok(names('撤回同意 Consent withdrawn').includes(w.name));
    assert.ok(!names('未提交 Non-submitters').includes(w.name));

    // the next day's fan-out starts nobody's workflow for them
    const fanout = (workDate: string, n: number) =>
      ctx.temporal.workflow.execute('dailyFanout', {
        taskQueue: ctx.config.temporal.taskQueue,
        workflowId: `privacy-fanout-${n}`,
        args: [{ workDate, batchSize: 50 }],
      }) as Promise<{ started: number; exempt: number }>;
    const next = '2031-03-04';
    const first = await fanout(next, 1);
    assert.ok(first.exempt >= 1);
    await assert.rejects(ctx.temporal.workflow.getHandle(checkinWorkflowId(next, w.id)).describe());
    assert.equal(
      (await ctx.temporal.workflow.getHandle(checkinWorkflowId(next, other.id)).describe()).type,
      'dailyCheckin',
    );
    const planned = await findDay(ctx.db, w.id, next);
    assert.deepEqual([planned?.outcome, planned?.exempt_reason], ['exempt', 'consent_withdrawn']);

    // consenting again resumes collection from the next day
    assert.equal((await answer(w, version, 'consented')).status, 201);
    const later = '2031-03-05';
    await fanout(later, 2);
    assert.equal(
      (await ctx.temporal.workflow.getHandle(checkinWorkflowId(later, w.id)).describe()).type,
      'dailyCheckin',
    );

    const started = await ctx.db
      .selectFrom('checkin_days')
      .select(['employee_id', 'work_date'])
      .where('work_date', 'in', [next, later])
      .where('outcome', '=', 'pending')
      .execute();
    for (const d of started)
      await ctx.temporal.workflow
        .getHandle(checkinWorkflowId(d.work_date, d.employee_id))
        .terminate('test done')
        .catch(() => undefined);
  });

  test('the consent check costs a submission no query: the notice from memory, the answer from the employee row', async () => {
    // the API again, on a database handle that logs every statement it runs
    const statements: string[] = [];
    const logged = withFieldKeys(
      new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: ctx.config.databaseUrl, max: 4 }),
        }),
        log: (e) => {
          if (e.level === 'query') statements.push(e.query.sql);
        },
      }),
      keyringOf(ctx.db),
    );
    const app = createApp({
      db: logged,
      temporal: ctx.temporal,
      dingtalk: createDingTalk(ctx.config),
      config: ctx.config,
      logger: createLogger(ctx.config.logLevel, 'privacy-counted'),
    });
    const server: Server = await new Promise((res) => {
      const srv = app.listen(0, '127.0.0.1', () => res(srv));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const version = ((await me(member(8), 'GET', '/privacy')).body.notice as { version: number }).version;
      const people = [member(8), member(9)];
      await ctx.expectToday(people);
      for (const e of people) assert.equal((await answer(e, version, 'consented')).status, 201);
      // the first submission through this process reads the notice once
      assert.equal(
        (await ctx.submit(people[0]!.id, { idempotencyKey: newKey(), answers: validAnswers }, url)).status,
        201,
      );
      statements.length = 0;
      assert.equal(
        (await ctx.submit(people[1]!.id, { idempotencyKey: newKey(), answers: validAnswers }, url)).status,
        201,
      );
      assert.ok(statements.length > 0);
      assert.deepEqual(
        statements.filter((q) => /privacy_/.test(q)),
        [],
        'no statement reads the notice or the consents',
      );
      // the route's own read of the employee row (the session's identity check is the other) carries the answer
      const employeeRows = statements.filter((q) => q.startsWith('select * from "employees"'));
      assert.equal(employeeRows.length, 1, statements.join('\n'));
    } finally {
      await new Promise((r) => server.close(() => r(null)));
      await logged.destroy();
    }
  });
});
