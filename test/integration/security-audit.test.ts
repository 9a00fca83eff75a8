// Issue 14: the audit row is written with the action or the action does not answer, hostile input
// cannot skip it, sensitive details are sealed and department HR reads only their departments'
// rows; sessions end at sign-out and after an absolute lifetime; the sign-in lock cannot be kept
// forever; the guard's pass check and cache headers leak nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SESSION_COOKIE } from '../../api/auth/staff-session.ts';
import { openAuditText } from '../../db/repositories/audit.ts';
import { signLinkToken } from '../../platform/link-token.ts';
import { signToken } from '../../platform/signed-token.ts';
import {
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import {
  createLocalAccount,
  signInEmployee,
  signInLocal,
  signInScopedStaff,
  type StaffClient,
} from '../helpers/staff-client.ts';
import { keyringOf } from '../../db/sealed-fields.ts';

let ctx: TestContext;
let a: TestDepartment;
let b: TestDepartment;
let managerA: StaffClient;
let hrA: StaffClient;
let hrAll: StaffClient;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    env: {
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_EXCHANGE_PER_IP: '3',
      RATE_LIMIT_SIGNIN_PER_ACCOUNT: '100',
    },
  });
  a = await ctx.department({ size: 3 });
  b = await ctx.department({ size: 3 });
  await ctx.expectToday([...a.members, ...b.members]);
  ({ managerA, hrA, hrAll } = await signInScopedStaff(ctx, a, b));
});
after(async () => ctx.close());

const rows = (action: string) =>
  ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

const proxyPath = (e: TestEmployee) => `/api/employees/${e.id}/proxy-checkins`;
/** Manager A fills today's check-in in for `e` (代填), healthy answers, with this reason. */
const proxyFill = (e: TestEmployee, reason: string) =>
  managerA.call('POST', proxyPath(e), { idempotencyKey: newKey(), answers: validAnswers, reason });

describe('the audit row comes with the action', () => {
  test('a proxy fill with a NUL in its reason is refused and stores nothing; a clean one is audited, reason sealed', async () => {
    const member = a.members[0] as TestEmployee;
    const hostile = await proxyFill(member, '住院\u0000高烧39度');
    assert.equal(hostile.status, 400, JSON.stringify(hostile.body));
    assert.match(hostile.headers.get('content-type') ?? '', /problem\+json/);
    const stored = await ctx.db
      .selectFrom('health_records')
      .select('id')
      .where('employee_id', '=', member.id)
      .execute();
    assert.deepEqual(stored, []);

    const ok = await proxyFill(member, '住院高烧39度');
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const recordId = (ok.body as { record: { id: number } }).record.id;
    // written in the submission's transaction: present as soon as the answer is
    const [row, ...more] = await rows('checkins.proxy').then((r) => r.filter((x) => x.outcome === 'success'));
    assert.equal(more.length, 0);
    assert.equal(row?.department_id, a.id);
    const detail = row?.detail as { recordId: number; reasonSealed: string };
    assert.equal(detail.recordId, recordId);
    assert.equal(openAuditText(detail.reasonSealed, keyringOf(ctx.db)), '住院高烧39度');
    const plain = await sql<{
      n: string;
    }>`select count(*)::text as n from audit_log where detail::text like '%高烧%'`.execute(ctx.db);
    assert.equal(plain.rows[0]?.n, '0', 'the reason is not stored in plain text');
    // company-wide HR reads it opened on the audit screen
    const screen = await hrAll.call(
      'GET',
      `/api/ra/audit?filter=${encodeURIComponent(JSON.stringify({ action: 'checkins.proxy' }))}`,
    );
    const shown = (screen.body as { detail: { reason?: string } | null }[]).map((r) => r.detail?.reason);
    assert.ok(shown.includes('住院高烧39度'), JSON.stringify(screen.body));
  });

  test('a NUL in the codec path is refused (no decode without its row); a decode is audited before it answers', async () => {
    const hostile = await fetch(`${ctx.apiUrl}/temporal-codec/%00/decode`, {
      method: 'POST',
      headers: { cookie: hrAll.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    assert.equal(hostile.status, 400);
    const before = (await rows('temporal.decode')).length;
    const ok = await fetch(`${ctx.apiUrl}/temporal-codec/default/decode`, {
      method: 'POST',
      headers: { cookie: hrAll.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    assert.equal(ok.status, 200);
    const after = await rows('temporal.decode');
    assert.equal(after.length, before + 1, 'the row exists when the answer arrives');
    assert.equal(after.at(-1)?.outcome, 'success');
  });

  test('a NUL in a sign-in name is refused; a wrong password is audited', async () => {
    const login = (username: string) =>
      fetch(`${ctx.apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      });
    assert.equal((await login('admin\u0000')).status, 400);
    const before = (await rows('auth.signin')).length;
    assert.equal((await login('nobody-here')).status, 401);
    const after = await rows('auth.signin');
    assert.equal(after.length, before + 1);
    assert.equal(after.at(-1)?.outcome, 'denied');
  });

  test('when the row cannot be written the answer is withheld', async () => {
    const { recordId } = await ctx.checkIn(b.members[0] as TestEmployee, { temperature: 38.7 });
    await sql`create function refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit refused for the test'; end $$`.execute(ctx.db);
    await sql`create trigger refuse_records_read before insert on audit_log for each row
      when (new.action = 'records.read') execute function refuse_audit()`.execute(ctx.db);
    try {
      const res = await hrAll.call('GET', `/api/ra/records/${recordId}`);
      assert.equal(res.status, 500);
      assert.ok(!JSON.stringify(res.body).includes('38.7'), 'no answers without the audit row');
    } finally {
      await sql`drop trigger refuse_records_read on audit_log`.execute(ctx.db);
      await sql`drop function refuse_audit()`.execute(ctx.db);
    }
    assert.equal((await hrAll.call('GET', `/api/ra/records/${recordId}`)).status, 200);
  });
});

describe('who reads the audit log', () => {
  test('department HR reads only rows about their departments; company-wide HR all; admins none', async () => {
    // a read about department B and one about department A
    const submit = async (e: TestEmployee) => (await ctx.checkIn(e)).recordId;
    assert.equal(
      (await hrAll.call('GET', `/api/ra/records/${await submit(b.members[2] as TestEmployee)}`)).status,
      200,
    );
    assert.equal(
      (await hrA.call('GET', `/api/ra/records/${await submit(a.members[2] as TestEmployee)}`)).status,
      200,
    );
    const mine = await hrA.call('GET', '/api/ra/audit?range=%5B0%2C999%5D');
    assert.equal(mine.status, 200);
    const deps = new Set((mine.body as { department_id: number | null }[]).map((r) => r.department_id));
    assert.deepEqual([...deps], [a.id], 'only department A rows');
    const all = await hrAll.call('GET', '/api/ra/audit?range=%5B0%2C999%5D');
    const allDeps = new Set((all.body as { department_id: number | null }[]).map((r) => r.department_id));
    assert.ok(allDeps.has(b.id) && allDeps.has(a.id) && allDeps.has(null));
    const admin = await signInLocal(ctx, await createLocalAccount(ctx, ['admin']));
    assert.equal((await admin.call('GET', '/api/ra/audit')).status, 403);
    const me = (await hrA.call('GET', '/api/auth/me')).body as { permissions: string[] };
    assert.ok(!me.permissions.includes('workflows:decode'), 'department HR is not offered the codec');
  });
});

describe('sessions', () => {
  test('sign-out ends the session server-side: a cookie copied before still fails', async () => {
    const s = await signInEmployee(ctx, a.manager);
    assert.equal((await s.call('GET', '/api/auth/me')).status, 200);
    assert.equal((await s.call('POST', '/api/auth/logout')).status, 204);
    assert.equal((await s.call('GET', '/api/auth/me')).status, 401);
    assert.equal((await s.call('GET', '/api/ra/records')).status, 401);
  });

  test('a session older than the absolute lifetime is refused however recently renewed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = (authAgo: number) => ({
      purpose: 'staff-session',
      sub: `employee:${a.manager.id}`,
      sid: `sid-${authAgo}`,
      auth: now - authAgo,
      exp: now + 600,
    });
    const me = (c: object) =>
      fetch(`${ctx.apiUrl}/api/auth/me`, {
        headers: {
          cookie: `${SESSION_COOKIE}=${signToken(ctx.config.api.sessionSecret, c as { purpose: string; exp: number })}`,
        },
      });
    assert.equal((await me(claims(3600))).status, 200);
    assert.equal((await me(claims(12 * 3600 + 60))).status, 401);
  });
});

describe('sign-in lock', () => {
  test('attempts while locked do not extend the lock; an expired lock starts afresh; an admin can lift it', async () => {
    const account = await createLocalAccount(ctx, ['admin']);
    const login = (password: string) =>
      fetch(`${ctx.apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 200)}`,
        },
        body: JSON.stringify({ username: account.username, password }),
      });
    const state = () =>
      ctx.db
        .selectFrom('local_accounts')
        .select(['failed_attempts', 'locked_until'])
        .where('username', '=', account.username)
        .executeTakeFirstOrThrow();
    for (let i = 0; i < 5; i++) assert.equal((await login('wrong')).status, 401);
    const locked = await state();
    assert.ok(locked.locked_until && locked.locked_until > new Date());
    assert.equal((await login('wrong')).status, 401);
    assert.equal((await login(account.password)).status, 401, 'still locked');
    assert.deepEqual(await state(), locked, 'attempts while locked changed nothing');
    // the lock runs out: one wrong guess does not lock again
    await ctx.db
      .updateTable('local_accounts')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('username', '=', account.username)
      .execute();
    assert.equal((await login('wrong')).status, 401);
    assert.equal((await state()).locked_until, null);
    assert.equal((await login(account.password)).status, 200);
    // locked again, and lifted by another administrator without a shell
    for (let i = 0; i < 5; i++) await login('wrong');
    const other = await signInLocal(ctx, await createLocalAccount(ctx, ['admin']));
    assert.equal((await other.call('POST', `/api/auth/accounts/${account.username}/unlock`)).status, 204);
    assert.equal((await login(account.password)).status, 200);
    assert.equal((await hrA.call('POST', `/api/auth/accounts/${account.username}/unlock`)).status, 403);
  });
});

describe('small leaks', () => {
  test('the guard sees who, the day and the colour, not the severity or review', async () => {
    const e = a.members[1] as TestEmployee;
    await ctx.checkIn(e);
    const pass = await fetch(`${ctx.apiUrl}/api/me/pass`, {
      headers: { authorization: `Bearer ${ctx.token(e.id)}` },
    });
    const { token } = (await pass.json()) as { token: string };
    const check = await fetch(`${ctx.apiUrl}/api/pass/verify?p=${token}`);
    assert.deepEqual(Object.keys((await check.json()) as object).sort(), [
      'colour',
      'departmentName',
      'name',
      'valid',
      'workDate',
    ]);
  });

  test('answers carrying health data are not cached', async () => {
    const res = await hrAll.call('GET', '/api/ra/records');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('link and 免登 exchanges are rate limited per IP', async () => {
    const link = signLinkToken(
      ctx.config.api.sessionSecret,
      (a.members[2] as TestEmployee).id,
      new Date().toISOString().slice(0, 10),
    );
    const exchange = () =>
      fetch(`${ctx.apiUrl}/api/auth/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.44' },
        body: JSON.stringify({ token: link }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await exchange()).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });
});
