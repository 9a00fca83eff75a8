// Every API route against every role: allowed roles get 2xx, others 401 (anonymous) or 403; and
// department-scoped roles never see another department's people, whichever way they ask.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultForm } from '../../domain/forms/default-form.ts';
import { signLinkToken } from '../../platform/link-token.ts';
import {
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import {
  createLocalAccount,
  signInLocal,
  signInScopedStaff,
  encodeBody,
  RawBody,
  type StaffClient,
  type StaffResponse,
} from '../helpers/staff-client.ts';

let ctx: TestContext;
let a: TestDepartment;
let b: TestDepartment;
let sub: TestDepartment;
let recordA: number;
let recordB: number;
let reviewA: number;
let reviewB: number;

type Who = 'anonymous' | 'employee' | 'manager' | 'hr' | 'hrAll' | 'admin';
const everyone: Who[] = ['anonymous', 'employee', 'manager', 'hr', 'hrAll', 'admin'];
const clients = new Map<Who, StaffClient>();

/** One request as `who`: session cookie for staff, Bearer token for the plain employee. */
async function as(who: Who, method: string, path: string, body?: unknown): Promise<StaffResponse> {
  const staff = clients.get(who);
  if (staff) return staff.call(method, path, body);
  const encoded = encodeBody(body);
  const headers: Record<string, string> = { ...encoded.headers };
  if (who === 'employee') headers.authorization = `Bearer ${ctx.token((a.members[1] as TestEmployee).id)}`;
  const res = await fetch(`${ctx.apiUrl}${path}`, { method, headers, body: encoded.body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  a = await ctx.department({ size: 3 });
  b = await ctx.department({ size: 2 });
  sub = await ctx.department({ size: 1 });
  await ctx.db.updateTable('departments').set({ parent_id: a.id }).where('id', '=', sub.id).execute();
  await ctx.expectToday([...a.members, ...b.members, ...sub.members]);
  const submitRed = async (e: TestEmployee) =>
    (await ctx.submit(e.id, { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: 38.6 } }))
      .body as unknown as { record: { id: number }; reviewId: number };
  const ra = await submitRed(a.members[0] as TestEmployee);
  const rb = await submitRed(b.members[0] as TestEmployee);
  await submitRed(sub.members[0] as TestEmployee);
  recordA = ra.record.id;
  reviewA = ra.reviewId;
  recordB = rb.record.id;
  reviewB = rb.reviewId;
  // company-wide HR: a DingTalk user with an HR grant for all departments
  const staff = await signInScopedStaff(ctx, a, b);
  clients.set('manager', staff.managerA);
  clients.set('hr', staff.hrA);
  clients.set('hrAll', staff.hrAll);
  clients.set('admin', await signInLocal(ctx, await createLocalAccount(ctx, ['admin'])));
});
after(async () => ctx.close());

const q = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&');

interface RouteCase {
  /** the route as written, for the test name */
  label?: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  allowed: Who[];
  /** what an allowed caller gets when not 2xx (e.g. 404 for an id that names nothing) */
  allowedStatus?: number;
}

const health: Who[] = ['manager', 'hr', 'hrAll'];
const people: Who[] = ['manager', 'hr', 'hrAll', 'admin'];
const staff: Who[] = ['manager', 'hr', 'hrAll', 'admin'];
const today = () => new Date().toISOString().slice(0, 10);

const routes: RouteCase[] = [
  { method: 'GET', path: () => '/api/auth/me', allowed: [...staff, 'employee'] },
  { method: 'GET', path: () => '/api/me/today', allowed: ['employee', 'manager', 'hr', 'hrAll'] },
  { label: '/api/records/:id', method: 'GET', path: () => `/api/records/${recordA}`, allowed: health },
  { method: 'GET', path: () => '/api/dashboard/today', allowed: health },
  { method: 'GET', path: () => '/api/dashboard/heatmap', allowed: health },
  { method: 'GET', path: () => '/api/dashboard/trend', allowed: health },
  { method: 'GET', path: () => '/api/dashboard/non-submitters', allowed: health },
  ...['reviews', 'records'].map((r) => ({ method: 'GET', path: () => `/api/ra/${r}`, allowed: health })),
  { label: '/api/ra/records/:id', method: 'GET', path: () => `/api/ra/records/${recordA}`, allowed: health },
  { label: '/api/ra/reviews/:id', method: 'GET', path: () => `/api/ra/reviews/${reviewA}`, allowed: health },
  ...['employees', 'departments', 'leaves', 'reminders'].map((r) => ({
    method: 'GET',
    path: () => `/api/ra/${r}`,
    allowed: people,
  })),
  {
    label: '/api/ra/employees/:id',
    method: 'GET',
    path: () => `/api/ra/employees/${(a.members[2] as TestEmployee).id}`,
    allowed: people,
  },
  {
    label: '/api/ra/departments/:id',
    method: 'GET',
    path: () => `/api/ra/departments/${a.id}`,
    allowed: people,
  },
  // company-wide HR reads the whole log, department HR their departments' rows, admins none
  { method: 'GET', path: () => '/api/ra/audit', allowed: ['hr', 'hrAll'] },
  {
    label: '/api/ra/employees/:id',
    method: 'PUT',
    path: () => `/api/ra/employees/${(a.members[2] as TestEmployee).id}`,
    body: () => ({ active: true }),
    allowed: ['hr', 'hrAll', 'admin'],
  },
  {
    label: '/api/ra/departments/:id',
    method: 'PUT',
    path: () => `/api/ra/departments/${a.id}`,
    body: () => ({ time_zone: 'Asia/Shanghai' }),
    allowed: ['admin'],
  },
  { method: 'GET', path: () => '/api/forms', allowed: staff },
  { method: 'GET', path: () => '/api/forms/current', allowed: staff },
  { method: 'GET', path: () => '/api/exports', allowed: health },
  {
    method: 'POST',
    path: () => '/api/exports',
    body: () => ({ from: today(), to: today(), format: 'pdf', departmentIds: [a.id], purpose: 'audit' }),
    allowed: health,
  },
  {
    label: '/api/calendar/:year',
    method: 'GET',
    path: () => `/api/calendar/${new Date().getFullYear()}`,
    allowed: staff,
  },
  {
    method: 'PUT',
    path: () => '/api/calendar/overrides/2026-12-26',
    body: () => ({ kind: 'workday', note: 'matrix' }),
    allowed: ['hr', 'hrAll', 'admin'],
  },
  { method: 'GET', path: () => '/api/policy', allowed: staff },
  {
    label: '/api/departments/:id/policy',
    method: 'GET',
    path: () => `/api/departments/${a.id}/policy`,
    allowed: staff,
  },
  {
    label: '/api/departments/:id/time-zone',
    method: 'PUT',
    path: () => `/api/departments/${a.id}/time-zone`,
    body: () => ({ timeZone: 'Asia/Shanghai' }),
    allowed: ['admin'],
  },
  {
    label: '/api/employees/:id/work-pattern',
    method: 'PUT',
    path: () => `/api/employees/${(a.members[2] as TestEmployee).id}/work-pattern`,
    body: () => ({ workdays: [1, 2, 3, 4, 5], timeZone: null }),
    allowed: ['hr', 'hrAll', 'admin'],
  },
  {
    method: 'GET',
    path: () => '/api/me/pass',
    allowed: ['employee', 'manager', 'hr', 'hrAll'],
    allowedStatus: 404, // nobody signed in here has submitted today, so there is no pass yet
  },
  {
    method: 'POST',
    path: () => '/api/me/attachments',
    body: () => new RawBody('image/png', tinyPng),
    allowed: ['employee', 'manager', 'hr', 'hrAll'],
  },
  {
    label: '/api/records/:id/attachments/:attachmentId',
    method: 'GET',
    path: () => `/api/records/${recordA}/attachments/00000000-0000-4000-8000-000000000000`,
    allowed: health,
    allowedStatus: 404,
  },
  {
    label: '/api/employees/import?dryRun=true',
    method: 'POST',
    path: () => '/api/employees/import?dryRun=true',
    body: () =>
      new RawBody('text/csv', `dingtalk_user_id,name,department\r\nmatrix-import-1,矩阵测试,${a.id}\r\n`),
    allowed: ['hr', 'hrAll', 'admin'],
  },
  {
    label: '/api/departments/import?dryRun=true',
    method: 'POST',
    path: () => '/api/departments/import?dryRun=true',
    body: () => new RawBody('text/csv', `name,parent\r\n矩阵部门,${a.id}\r\n`),
    allowed: ['admin'],
  },
  {
    method: 'POST',
    path: () => '/api/forms',
    body: () => ({ definition: defaultForm, note: 'matrix' }),
    allowed: ['admin'],
  },
  {
    method: 'POST',
    path: () => '/api/ra/leaves',
    body: () => ({
      employee_id: (a.members[2] as TestEmployee).id,
      kind: 'business_trip',
      from_date: '2031-03-02',
      to_date: '2031-03-03',
    }),
    allowed: ['hr', 'hrAll', 'admin'],
  },
];

/** A 1×1 PNG (the upload checks the magic bytes). */
const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('role × endpoint matrix', () => {
  for (const r of routes) {
    test(`${r.method} ${r.label ?? r.path()}`, async () => {
      for (const who of everyone) {
        const res = await as(who, r.method, r.path(), r.body?.());
        if (r.allowed.includes(who)) {
          assert.ok(
            r.allowedStatus ? res.status === r.allowedStatus : res.status >= 200 && res.status < 300,
            `${who} should be allowed: got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        } else {
          assert.equal(res.status, who === 'anonymous' ? 401 : 403, `${who} must be refused`);
        }
      }
    });
  }

  test('operator-only and write routes refuse everyone else', async () => {
    for (const who of everyone.filter((w) => w !== 'admin')) {
      const res = await as(who, 'POST', '/api/admin/fanout', { timeScale: 1000 });
      assert.equal(res.status, who === 'anonymous' ? 401 : 403, who);
    }
    for (const who of ['manager', 'hr', 'hrAll', 'employee'] as Who[]) {
      const res = await as(who, 'PUT', '/api/policy', { windowStart: '07:00' });
      assert.equal(res.status, 403, `${who} cannot change the policy`);
    }
  });
});

describe('department scope', () => {
  const ids = (body: unknown) => (body as { id: number }[]).map((x) => x.id).sort((x, y) => x - y);

  test("a manager sees their department and its sub-department, never another department's people", async () => {
    const m = clients.get('manager') as StaffClient;
    const records = await m.call('GET', `/api/ra/records?${q({ range: [0, 99] })}`);
    const deptOf = (body: unknown) =>
      new Set((body as { department_id: number }[]).map((x) => x.department_id));
    assert.deepEqual([...deptOf(records.body)].sort(), [a.id, sub.id].sort());
    // asking for department B by filter, getMany or getOne gives nothing
    const filtered = await m.call('GET', `/api/ra/records?${q({ filter: { department_id: b.id } })}`);
    assert.deepEqual(filtered.body, []);
    assert.match(filtered.headers.get('content-range') ?? '', /\/0$/);
    const many = await m.call('GET', `/api/ra/records?${q({ filter: { id: [recordA, recordB] } })}`);
    assert.deepEqual(ids(many.body), [recordA]);
    assert.equal((await m.call('GET', `/api/ra/records/${recordB}`)).status, 404);
    assert.equal((await m.call('GET', `/api/records/${recordB}`)).status, 404);
    assert.equal((await m.call('GET', `/api/ra/reviews/${reviewB}`)).status, 404);
    const reviews = await m.call('GET', `/api/ra/reviews?${q({ range: [0, 99] })}`);
    assert.ok(!(reviews.body as { id: number }[]).some((r) => r.id === reviewB));
    // the twin read paths are gone: one path per resource
    assert.equal((await m.call('GET', '/api/reviews')).status, 404);
    assert.equal((await m.call('GET', '/api/leaves')).status, 404);
    const employees = await m.call('GET', `/api/ra/employees?${q({ range: [0, 99] })}`);
    assert.ok(!(employees.body as { department_id: number }[]).some((e) => e.department_id === b.id));
    // exports: naming B is refused as if B did not exist (404, like every out-of-scope id), an
    // unnamed export covers only A and its sub-department
    const denied = await m.call('POST', '/api/exports', {
      from: today(),
      to: today(),
      format: 'pdf',
      departmentIds: [b.id],
      purpose: 'audit',
    });
    assert.equal(denied.status, 404);
    // a decision on B's review is refused without revealing it
    assert.equal(
      (await m.call('POST', `/api/reviews/${reviewB}/decision`, { decision: 'approve' })).status,
      404,
    );
  });

  test('company-wide HR sees every department; HR contact only theirs', async () => {
    const all = clients.get('hrAll') as StaffClient;
    const hr = clients.get('hr') as StaffClient;
    const many = await all.call('GET', `/api/ra/records?${q({ filter: { id: [recordA, recordB] } })}`);
    assert.deepEqual(
      ids(many.body),
      [recordA, recordB].sort((x, y) => x - y),
    );
    const scoped = await hr.call('GET', `/api/ra/records?${q({ filter: { id: [recordA, recordB] } })}`);
    assert.deepEqual(ids(scoped.body), [recordA]);
  });

  test('writes naming someone outside the scope answer 404, as reads do, and store nothing', async () => {
    const hr = clients.get('hr') as StaffClient;
    const outsider = b.members[0] as TestEmployee;
    const edit = await hr.call('PUT', `/api/ra/employees/${outsider.id}`, { active: false });
    assert.equal(edit.status, 404, JSON.stringify(edit.body));
    const move = await hr.call('PUT', `/api/ra/employees/${(a.members[2] as TestEmployee).id}`, {
      department_id: b.id,
    });
    assert.equal(move.status, 404, JSON.stringify(move.body));
    const leave = await hr.call('POST', '/api/ra/leaves', {
      employee_id: outsider.id,
      kind: 'leave',
      from_date: '2031-04-01',
      to_date: '2031-04-02',
    });
    assert.equal(leave.status, 404, JSON.stringify(leave.body));
    const stored = await ctx.db
      .selectFrom('employees')
      .select(['id', 'active', 'department_id'])
      .where('id', 'in', [outsider.id, (a.members[2] as TestEmployee).id])
      .execute();
    assert.deepEqual(stored.map((e) => [e.active, e.department_id === b.id]).sort(), [
      [true, false],
      [true, true],
    ]);
    const leaves = await ctx.db
      .selectFrom('leaves')
      .select('id')
      .where('employee_id', '=', outsider.id)
      .execute();
    assert.deepEqual(leaves, []);
  });

  test('an admin configures but does not read health answers', async () => {
    const admin = clients.get('admin') as StaffClient;
    assert.equal((await admin.call('GET', `/api/ra/records/${recordA}`)).status, 403);
    assert.equal((await admin.call('GET', '/api/dashboard/today')).status, 403);
    assert.equal((await admin.call('GET', '/api/ra/employees')).status, 200);
    const me = (await admin.call('GET', '/api/auth/me')).body as { permissions: string[] };
    assert.ok(!me.permissions.includes('health:read'));
    assert.ok(me.permissions.includes('config:write'));
  });
});

describe('employee tokens carry only employee powers', () => {
  /** A Bearer token the way the check-in page gets one: a per-person link or a 免登 code. */
  async function exchange(kind: 'link' | 'dingtalk', e: TestEmployee): Promise<string> {
    const body =
      kind === 'link'
        ? { token: signLinkToken(ctx.config.api.sessionSecret, e.id, today()) }
        : { authCode: ctx.fake.state.issueAuthCode(e.userId) };
    const res = await fetch(`${ctx.apiUrl}/api/auth/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${kind} exchange`);
    return ((await res.json()) as { token: string }).token;
  }

  const bearer = async (token: string, method: string, path: string, body?: unknown) => {
    const encoded = encodeBody(body);
    const res = await fetch(`${ctx.apiUrl}${path}`, {
      method,
      headers: { ...encoded.headers, authorization: `Bearer ${token}` },
      body: encoded.body,
    });
    return { status: res.status, text: await res.text() };
  };

  /** routes a plain employee may not use, plus the staff writes the matrix reaches by other means */
  const staffOnly = () => [
    ...routes
      .filter((r) => !r.allowed.includes('employee'))
      .map((r) => [r.method, r.path(), r.body?.()] as const),
    ['POST', `/api/reviews/${reviewA}/decision`, { decision: 'approve' }] as const,
    [
      'POST',
      `/api/employees/${(a.members[2] as TestEmployee).id}/proxy-checkins`,
      { idempotencyKey: newKey(), answers: validAnswers, reason: '手机坏了' },
    ] as const,
    ['POST', '/temporal-codec/decode', { payloads: [] }] as const,
    ['POST', '/api/auth/accounts/admin/unlock', {}] as const,
  ];

  for (const [kind, who] of [
    ['link', 'manager'],
    ['dingtalk', 'hr'],
    ['link', 'hrAll'],
    ['dingtalk', 'hrAll'],
  ] as const) {
    test(`a ${kind === 'link' ? 'check-in link' : '免登'} token of ${who} reaches /api/me, never a staff route`, async () => {
      const person = { manager: a.manager, hr: a.hr as TestEmployee, hrAll: b.members[1] as TestEmployee }[
        who
      ];
      const token = await exchange(kind, person);
      const me = await bearer(token, 'GET', '/api/auth/me');
      assert.equal(me.status, 200);
      assert.deepEqual(JSON.parse(me.text), {
        id: `employee:${person.id}`,
        fullName: person.name,
        roles: ['employee'],
        permissions: [],
        healthScope: [],
      });
      assert.equal((await bearer(token, 'GET', '/api/me/today')).status, 200);
      for (const [method, path, body] of staffOnly()) {
        const res = await bearer(token, method, path, body);
        assert.ok(
          res.status === 401 || res.status === 403,
          `${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
    });
  }
});
