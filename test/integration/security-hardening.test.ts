// Sign-in paths, CSRF, forged tokens, attack inputs, headers, rate limits, the append-only audit
// log with the caller's IP, the retention job, and TLS 1.3 only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { sql } from 'kysely';
import { signEmployeeToken } from '../../api/auth/employee-token.ts';
import { listen } from '../../api/serve.ts';
import type { dataRetention } from '../../workflows/data-retention.ts';
import { loadConfig } from '../../config/config.ts';
import { insertRecord as insertHealthRecord } from '../../db/repositories/records.ts';
import {
  newKey,
  TestContext,
  validAnswers,
  eventually,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { createLocalAccount, signInEmployee } from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: TestDepartment;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'in-process',
    env: {
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_SIGNIN_PER_ACCOUNT: '4',
      CORS_ORIGINS: 'https://intranet.example.com',
    },
  });
  dept = await ctx.department({ size: 2 });
  await ctx.expectToday(dept.members);
});
after(async () => ctx.close());

const auditRows = (action: string) =>
  ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

describe('sign-in', () => {
  test('DingTalk scan-to-log-in through the fake gives the manager a session; a forged state is refused', async () => {
    const start = await fetch(`${ctx.apiUrl}/api/auth/dingtalk/qr`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const stateCookie = (start.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const login = new URL(start.headers.get('location') ?? '');
    assert.equal(login.origin, ctx.fake.url);
    assert.equal(login.pathname, '/oauth2/auth');
    // "scan" as the manager: the fake redirects back with an authCode and the same state
    login.searchParams.set('as', dept.manager.userId);
    const scanned = await fetch(login, { redirect: 'manual' });
    const callback = new URL(scanned.headers.get('location') ?? '');
    assert.equal(callback.pathname, '/api/auth/dingtalk/callback');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged');
    assert.equal((await fetch(forged, { headers: { cookie: stateCookie }, redirect: 'manual' })).status, 401);
    const done = await fetch(callback, { headers: { cookie: stateCookie }, redirect: 'manual' });
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), '/admin/#/');
    const cookies = done.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('hc_session='));
    assert.match(session ?? '', /HttpOnly/i);
    assert.match(session ?? '', /SameSite=Strict/i);
    const me = await fetch(`${ctx.apiUrl}/api/auth/me`, {
      headers: { cookie: cookies.map((c) => c.split(';')[0]).join('; ') },
    });
    const body = (await me.json()) as { id: string; roles: string[] };
    assert.equal(body.id, `employee:${dept.manager.id}`);
    assert.deepEqual(body.roles, ['employee', 'manager']);
  });

  test('a plain employee cannot open the admin console', async () => {
    await assert.rejects(signInEmployee(ctx, dept.members[0] as TestEmployee), /403/);
  });

  test('wrong passwords are refused, audited with the caller IP, then rate limited', async () => {
    const account = await createLocalAccount(ctx, ['admin']);
    const attempt = (password: string) =>
      fetch(`${ctx.apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ username: account.username, password }),
      });
    assert.equal((await attempt('wrong-password')).status, 401);
    assert.equal((await attempt(account.password)).status, 200);
    const mine = async () => (await auditRows('auth.signin')).filter((r) => r.target_id === account.username);
    await eventually(async () => (await mine()).length >= 2);
    const rows = await mine();
    // Each row is written when its response finishes, so their order is not asserted.
    assert.deepEqual(rows.map((r) => [r.outcome, r.ip, r.actor]).sort(), [
      ['denied', '203.0.113.7', `account:${account.username}`],
      ['success', '203.0.113.7', `account:${account.username}`],
    ]);
    // RATE_LIMIT_SIGNIN_PER_ACCOUNT=4: the 5th attempt within the minute is refused outright
    assert.equal((await attempt('wrong')).status, 401);
    assert.equal((await attempt('wrong')).status, 401);
    assert.equal((await attempt(account.password)).status, 429);
  });
});

describe('requests that must be refused, storing nothing', () => {
  test('a session without its CSRF token cannot change anything', async () => {
    const hr = await signInEmployee(ctx, dept.hr as TestEmployee);
    const target = dept.members[1] as TestEmployee;
    const res = await hr.call('PUT', `/api/ra/employees/${target.id}`, { name: 'CSRF' }, { csrf: false });
    assert.equal(res.status, 403);
    assert.equal((res.body as { code: string }).code, 'csrf_failed');
    await eventually(async () =>
      (
        await ctx.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', `PUT /api/ra/employees/${target.id}`)
          .execute()
      ).some((r) => r.outcome === 'denied' && r.status === 403),
    );
    const e = await ctx.db
      .selectFrom('employees')
      .select('name')
      .where('id', '=', target.id)
      .executeTakeFirst();
    assert.equal(e?.name, target.name);
    assert.equal((await hr.call('PUT', `/api/ra/employees/${target.id}`, { name: target.name })).status, 200);
  });

  test('forged, expired and wrong-purpose tokens are refused', async () => {
    const e = dept.members[0] as TestEmployee;
    const good = ctx.token(e.id);
    const [body] = good.split('.');
    const forged = `${body}.${'A'.repeat(43)}`;
    const expired = signEmployeeToken(ctx.config.api.sessionSecret, e.id, 60, Date.now() - 3600_000);
    const otherSecret = signEmployeeToken('some-other-secret-0123456789', e.id);
    for (const token of [forged, expired, otherSecret, 'garbage']) {
      const res = await fetch(`${ctx.apiUrl}/api/me/today`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 401, token);
    }
    const badSession = await fetch(`${ctx.apiUrl}/api/ra/records`, {
      headers: { cookie: `hc_session=${body}.forged` },
    });
    assert.equal(badSession.status, 401);
    const wrongKey = await fetch(`${ctx.apiUrl}/api/ra/records`, { headers: { 'x-admin-token': 'nope' } });
    assert.equal(wrongKey.status, 401);
  });

  test('oversized bodies get 413 and store nothing', async () => {
    const e = dept.members[0] as TestEmployee;
    const res = await ctx.submit(e.id, {
      idempotencyKey: newKey(),
      answers: { ...validAnswers, note: 'x'.repeat(600 * 1024) },
    });
    assert.equal(res.status, 413);
    const n = await ctx.db
      .selectFrom('health_records')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('employee_id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.equal(n.n, 0);
  });

  test('SQL-injection strings are data, script tags are stored as text', async () => {
    const hr = await signInEmployee(ctx, dept.hr as TestEmployee);
    const injection = "x' OR 1=1; DROP TABLE employees; --";
    const list = await hr.call(
      'GET',
      `/api/ra/employees?filter=${encodeURIComponent(JSON.stringify({ q: injection }))}`,
    );
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, []);
    const sorted = await hr.call(
      'GET',
      `/api/ra/employees?sort=${encodeURIComponent(JSON.stringify([injection, 'ASC']))}`,
    );
    assert.equal(sorted.status, 400);
    const script = '<script>alert(1)</script>';
    const leave = await hr.call('POST', '/api/ra/leaves', {
      employee_id: (dept.members[1] as TestEmployee).id,
      kind: 'leave',
      from_date: '2030-01-01',
      to_date: '2030-01-02',
      note: script,
    });
    assert.equal(leave.status, 201);
    const stored = await ctx.db
      .selectFrom('leaves')
      .select('note')
      .where('id', '=', (leave.body as { id: number }).id)
      .executeTakeFirst();
    assert.equal(stored?.note, script);
    assert.ok(await ctx.db.selectFrom('employees').select('id').executeTakeFirst(), 'employees still there');
  });

  test('security headers, no stack traces, strict CORS', async () => {
    const res = await fetch(`${ctx.apiUrl}/api/nope`, { headers: { origin: 'https://evil.example.com' } });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const body = JSON.stringify(await res.json());
    assert.doesNotMatch(body, /at .*\.ts:\d+/);
    const allowed = await fetch(`${ctx.apiUrl}/healthz`, {
      headers: { origin: 'https://intranet.example.com' },
    });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://intranet.example.com');
  });
});

describe('audit log', () => {
  test('writes, reads of health answers, exports and denials each write a row with the IP', async () => {
    const manager = await signInEmployee(ctx, dept.manager);
    const e = dept.members[0] as TestEmployee;
    const submitted = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
    const recordId = (submitted.body as { record: { id: number } }).record.id;
    await manager.call('GET', `/api/ra/records/${recordId}`);
    await manager.call('POST', '/api/exports', {
      from: '2026-01-01',
      to: '2026-01-02',
      format: 'pdf',
      purpose: 'audit',
    });
    await manager.call('GET', '/api/ra/audit');
    // Audit rows are written when the response finishes, so each one is awaited, not assumed.
    await eventually(
      async () =>
        (await auditRows('exports.create')).length > 0 &&
        (await auditRows('records.read')).length > 0 &&
        (await auditRows('POST /api/me/checkins')).some((r) => r.actor === `employee:${e.id}`) &&
        (await auditRows('GET /api/ra/audit')).some((r) => r.actor === `employee:${dept.manager.id}`),
    );
    const read = (await auditRows('records.read'))[0];
    assert.equal(read?.actor, `employee:${dept.manager.id}`);
    assert.equal(read?.target_id, String(recordId));
    assert.equal(read?.ip, '127.0.0.1');
    assert.equal(read?.outcome, 'success');
    const exp = (await auditRows('exports.create'))[0];
    assert.deepEqual((exp?.detail as { departmentIds: number[] }).departmentIds, [dept.id]);
    const submission = (await auditRows('POST /api/me/checkins')).find((r) => r.actor === `employee:${e.id}`);
    assert.equal(submission?.outcome, 'success');
    const denied = (await auditRows('GET /api/ra/audit')).find(
      (r) => r.actor === `employee:${dept.manager.id}`,
    );
    assert.equal(denied?.outcome, 'denied');
  });

  test('audit rows cannot be changed or deleted', async () => {
    await assert.rejects(sql`update audit_log set actor = 'someone else'`.execute(ctx.db), /append-only/);
    await assert.rejects(sql`delete from audit_log`.execute(ctx.db), /append-only/);
  });

  test('the retention job deletes exactly the audit rows and records past retention', async () => {
    const old = new Date(Date.now() - 200 * 86_400_000);
    const recent = new Date(Date.now() - 170 * 86_400_000);
    for (const at of [old, old, recent])
      await ctx.db
        .insertInto('audit_log')
        .values({ at, actor: 'test', actor_roles: [], action: 'retention.fixture', outcome: 'success' })
        .execute();
    const e = dept.members[1] as TestEmployee;
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const insertRecord = (workDate: string) =>
      insertHealthRecord(ctx.db, {
        employee_id: e.id,
        department_id: dept.id,
        work_date: workDate,
        submitted_at: new Date(),
        answers: validAnswers,
        reasons: [],
        status: 'on_time',
        idempotency_key: newKey(),
      });
    const expired = await insertRecord(day(400));
    const kept = await insertRecord(day(300));
    const result = await ctx.temporal.workflow.execute<typeof dataRetention>('dataRetention', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: `retention-${newKey()}`,
      args: [{}],
    });
    assert.deepEqual(result, { auditDeleted: 2, recordsDeleted: 1, photosDeleted: 0, locationsRemoved: 0 });
    const fixtures = await auditRows('retention.fixture');
    assert.deepEqual(
      fixtures.map((r) => r.at.getTime()),
      [recent.getTime()],
    );
    const ids = (
      await ctx.db.selectFrom('health_records').select('id').where('employee_id', '=', e.id).execute()
    ).map((r) => r.id);
    assert.ok(!ids.includes(expired.id) && ids.includes(kept.id));
    const run = await auditRows('retention.purge');
    assert.equal((run.at(-1)?.detail as { recordsDeleted: number }).recordsDeleted, 1);
  });
});

describe('TLS', () => {
  test('HTTPS with a configured certificate speaks TLS 1.3 only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const api = loadConfig({
      NODE_ENV: 'test',
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
      API_HOST: '127.0.0.1',
    }).api;
    const app = express();
    app.get('/', (_req, res) => res.send('ok'));
    const server = await listen(app, api, 0);
    const port = (server.address() as { port: number }).port;
    const handshake = (maxVersion: 'TLSv1.2' | 'TLSv1.3') =>
      new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion }, () => {
          resolve(s.getProtocol() ?? '');
          s.end();
        });
        s.on('error', reject);
      });
    try {
      assert.equal(await handshake('TLSv1.3'), 'TLSv1.3');
      await assert.rejects(handshake('TLSv1.2'));
    } finally {
      server.close();
    }
  });
});
