// The admin UI's data contract (react-admin simple-rest) and the dashboard figures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grantRole } from '../../db/repositories/access.ts';
import {
  eventually,
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';
import { signInEmployee } from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: TestDepartment;

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  dept = await ctx.department({ size: 4 });
  await ctx.expectToday(dept.members, { level_reached: 1 });
  const [a, b] = dept.members as [TestEmployee, TestEmployee];
  await ctx.submit(a.id, { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: 38.1 } });
  await ctx.submit(b.id, { idempotencyKey: newKey(), answers: validAnswers });
});
after(async () => ctx.close());

const get = async (path: string) => {
  const res = await fetch(`${ctx.apiUrl}${path}`, {
    headers: { 'x-admin-token': ctx.operatorKey },
  });
  return { status: res.status, range: res.headers.get('content-range'), body: await res.json() };
};
const q = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&');

describe('admin data API', () => {
  test('lists answer with Content-Range, sort, range and filters; getOne and getMany work', async () => {
    const page = await get(
      `/api/ra/employees?${q({ sort: ['id', 'ASC'], range: [0, 1], filter: { department_id: dept.id } })}`,
    );
    assert.equal(page.status, 200);
    assert.equal(page.range, 'employees 0-1/6'); // 4 members, manager, HR
    assert.equal((page.body as unknown[]).length, 2);
    const many = await get(`/api/ra/employees?${q({ filter: { id: dept.members.map((m) => m.id) } })}`);
    assert.equal((many.body as unknown[]).length, 4);
    const one = await get(`/api/ra/departments/${dept.id}`);
    assert.equal((one.body as { manager_name: string }).manager_name, dept.manager.name);
    const reds = await get(`/api/ra/records?${q({ filter: { severity: 'red', department_id: dept.id } })}`);
    assert.equal(reds.range, 'records 0-0/1');
    const rec = (reds.body as { id: number }[])[0];
    const shown = await get(`/api/ra/records/${rec?.id}`);
    assert.ok((shown.body as { rendered: unknown[] }).rendered.length >= 3);
    const reviews = await get(`/api/ra/reviews?${q({ filter: { status: 'pending' } })}`);
    assert.equal(
      (reviews.body as { employee_name: string }[])[0]?.employee_name,
      (dept.members[0] as TestEmployee).name,
    );
    assert.equal(
      (await get(`/api/ra/employees?${q({ sort: ['mobile', 'ASC'] })}`)).status,
      400,
      'unsortable field',
    );
    assert.equal((await get('/api/ra/employees?range=nonsense')).status, 400);
    assert.equal((await fetch(`${ctx.apiUrl}/api/ra/employees`)).status, 401);
  });

  test('dashboard: totals, heat map, trend and live non-submitters agree with the data', async () => {
    const today = (await get('/api/dashboard/today')).body as Record<string, number>;
    assert.deepEqual([today.expected, today.submitted, today.pending, today.anomalies], [4, 2, 2, 1]);
    const heat = (await get('/api/dashboard/heatmap')).body as {
      cells: { department_id: number; rate: number }[];
    };
    assert.equal(heat.cells.find((c) => c.department_id === dept.id)?.rate, 0.5);
    const trend = (await get('/api/dashboard/trend')).body as { days: { reds: number }[] };
    assert.equal(trend.days.length, 14);
    assert.equal(trend.days.at(-1)?.reds, 1);
    const non = (await get(`/api/dashboard/non-submitters?department=${dept.id}`)).body as {
      people: { name: string; level_reached: number }[];
    };
    assert.deepEqual(
      non.people.map((p) => p.level_reached),
      [1, 1],
    );
  });

  test('edits: departments and employees take only their own fields, and bad references are refused', async () => {
    const put = async (path: string, body: unknown) => {
      const res = await fetch(`${ctx.apiUrl}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const [, , c] = dept.members as [TestEmployee, TestEmployee, TestEmployee];
    // react-admin sends the whole record back, joined read-only fields included.
    const d = await put(`/api/ra/departments/${dept.id}`, {
      id: dept.id,
      name: '质量部',
      manager_id: c.id,
      manager_name: 'ignored',
      time_zone: 'Asia/Shanghai',
    });
    assert.equal(d.status, 200);
    assert.deepEqual([d.body.name, d.body.manager_name], ['质量部', c.name]);
    assert.equal((await put(`/api/ra/departments/${dept.id}`, { parent_id: dept.id })).status, 400);
    assert.equal((await put(`/api/ra/departments/${dept.id}`, { manager_id: 99_999_999 })).status, 400);
    assert.equal((await put(`/api/ra/departments/${dept.id}`, { time_zone: 'Mars/Base' })).status, 400);
    // the group robot: set (write-only: reads only say it is configured), replaced, removed
    const robot = { robot_webhook_token: 'tok-quality-0001', robot_signing_secret: 'SECabcdef123456' };
    const withRobot = await put(`/api/ra/departments/${dept.id}`, robot);
    assert.deepEqual([withRobot.status, withRobot.body.robot_configured], [200, true]);
    assert.equal(JSON.stringify(withRobot.body).includes('SECabcdef123456'), false);
    const stored = await ctx.db
      .selectFrom('department_robots')
      .selectAll()
      .where('department_id', '=', dept.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([stored.webhook_token, stored.signing_secret], ['tok-quality-0001', 'SECabcdef123456']);
    assert.equal((await put(`/api/ra/departments/${dept.id}`, { robot_signing_secret: 'nope' })).status, 400);
    const removed = await put(`/api/ra/departments/${dept.id}`, { robot_remove: true });
    assert.equal(removed.body.robot_configured, false);
    const e = await put(`/api/ra/employees/${c.id}`, {
      active: false,
      department_name: 'ignored',
      workdays: [1, 2, 3],
    });
    assert.deepEqual([e.status, e.body.active, e.body.workdays], [200, false, [1, 2, 3]]);
    assert.equal((await put('/api/ra/employees/99999999', { active: true })).status, 404);
  });
});

describe('react-admin contract', () => {
  const sorts: Record<string, string[]> = {
    records: [
      'id',
      'work_date',
      'employee_name',
      'department_name',
      'severity',
      'submitted_at',
      'form_version',
      'proxy_name',
    ],
    reviews: ['id', 'work_date', 'employee_name', 'department_name', 'severity', 'status', 'escalated'],
    employees: ['id', 'name', 'department_name', 'dingtalk_user_id', 'active'],
    departments: ['id', 'name', 'manager_name', 'hr_name', 'time_zone'],
    leaves: ['employee_name', 'department_name', 'kind', 'from_date', 'to_date', 'note', 'source'],
    reminders: [
      'id',
      'work_date',
      'employee_name',
      'department_name',
      'level',
      'channel',
      'status',
      'sent_at',
    ],
    audit: ['id', 'at', 'actor', 'action', 'target_id', 'outcome', 'status', 'ip', 'request_id'],
  };
  for (const [resource, fields] of Object.entries(sorts)) {
    test(`${resource}: every column the list shows sorts both ways`, async () => {
      for (const field of fields)
        for (const order of ['ASC', 'DESC']) {
          const res = await get(`/api/ra/${resource}?${q({ sort: [field, order], range: [0, 4] })}`);
          assert.equal(res.status, 200, `${resource} by ${field} ${order}: ${JSON.stringify(res.body)}`);
        }
    });
  }

  test('paging over a non-unique sort neither repeats nor skips rows (the key breaks ties)', async () => {
    const people = await ctx.department({ size: 6 });
    const rows = people.members.flatMap((m) =>
      Array.from({ length: 25 }, (_, i) => ({
        employee_id: m.id,
        department_id: people.id,
        work_date: `2025-01-${String(i + 1).padStart(2, '0')}`,
        level: 1,
        channel: 'work_notification',
        status: 'sent' as const,
        batch_key: 'paging-test',
      })),
    );
    await ctx.db.insertInto('reminders_sent').values(rows).execute();
    for (const [resource, field] of [
      ['reminders', 'work_date'],
      ['reminders', 'status'],
    ] as const) {
      const seen: string[] = [];
      for (let start = 0; start < 150; start += 3) {
        const p = await get(
          `/api/ra/${resource}?${q({ sort: [field, 'ASC'], range: [start, start + 2], filter: { department_id: people.id } })}`,
        );
        assert.equal(p.status, 200);
        seen.push(...(p.body as { id: string }[]).map((r) => r.id));
      }
      assert.equal(seen.length, 150);
      assert.equal(new Set(seen).size, 150, `${resource} by ${field}: every row exactly once`);
    }
  });

  test('reminders: getOne, getMany and getManyReference by employee; reviews by employee', async () => {
    const [a, b] = dept.members as [TestEmployee, TestEmployee];
    await ctx.db
      .insertInto('reminders_sent')
      .values(
        [a, b].map((m) => ({
          employee_id: m.id,
          department_id: dept.id,
          work_date: '2025-02-03',
          level: 2,
          channel: 'group_robot',
          status: 'sent',
          batch_key: 'contract-test',
        })),
      )
      .execute();
    const idA = `${a.id}-2025-02-03-2`;
    const one = await get(`/api/ra/reminders/${idA}`);
    const oneBody = one.body as { id: string; employee_id: number };
    assert.deepEqual([one.status, oneBody.id, oneBody.employee_id], [200, idA, a.id]);
    assert.equal((await get(`/api/ra/reminders/${a.id}-2025-02-04-2`)).status, 404);
    assert.equal((await get('/api/ra/reminders/nonsense')).status, 400);
    const many = await get(`/api/ra/reminders?${q({ filter: { id: [idA] } })}`);
    assert.deepEqual(
      (many.body as { id: string }[]).map((r) => r.id),
      [idA],
    );
    const byEmployee = await get(`/api/ra/reminders?${q({ filter: { employee_id: b.id } })}`);
    assert.ok((byEmployee.body as { employee_id: number }[]).every((r) => r.employee_id === b.id));
    assert.equal((byEmployee.body as unknown[]).length, 1);
    const reviews = await get(`/api/ra/reviews?${q({ filter: { employee_id: b.id } })}`);
    assert.deepEqual(reviews.body, [], 'b submitted a normal record: no review');
    const reviewsOfA = await get(`/api/ra/reviews?${q({ filter: { employee_id: a.id } })}`);
    assert.equal((reviewsOfA.body as unknown[]).length, 1);
  });

  test('records: employee search, and the answers (temperature, health code) in the list', async () => {
    const a = dept.members[0] as TestEmployee;
    const found = await get(`/api/ra/records?${q({ filter: { q: a.name.slice(-2) } })}`);
    const rows = found.body as {
      employee_id: number;
      answers: { temperature: number; healthCode: string };
    }[];
    assert.ok(rows.some((r) => r.employee_id === a.id));
    assert.deepEqual(
      [rows.find((r) => r.employee_id === a.id)?.answers.temperature, rows[0]?.answers.healthCode],
      [38.1, 'green'],
    );
    assert.deepEqual((await get(`/api/ra/records?${q({ filter: { q: '%' } })}`)).body, [], '% is a letter');
  });

  test('bad filters, ids and dates are a 400 problem with a clear message, never a 500', async () => {
    const bad = [
      `/api/ra/records?${q({ filter: { department_id: [] } })}`,
      `/api/ra/records?${q({ filter: { work_date: '2026-02-30' } })}`,
      `/api/ra/records?${q({ filter: { work_date_gte: 'x' } })}`,
      `/api/ra/employees?${q({ filter: { id: [2 ** 31] } })}`,
      `/api/ra/employees?${q({ filter: { department_id: 'x' } })}`,
      `/api/ra/leaves?${q({ filter: { active_on: '2026-13-01' } })}`,
      `/api/ra/reminders?${q({ filter: { work_date: '2026-02-30' } })}`,
      `/api/ra/audit?${q({ filter: { at_gte: 'yesterday' } })}`,
      `/api/ra/employees?${q({ filter: { nonsense: 1 } })}`,
      `/api/ra/employees?${q({ range: [5, 2] })}`,
      `/api/ra/employees/${2 ** 31}`,
      `/api/ra/departments/abc`,
    ];
    for (const path of bad) {
      const res = await fetch(`${ctx.apiUrl}${path}`, { headers: { 'x-admin-token': ctx.operatorKey } });
      assert.equal(res.status, 400, path);
      assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/problem+json', path);
      const body = (await res.json()) as { errors?: { field: string; message: string }[] };
      assert.ok(body.errors?.[0]?.message, `${path}: names what is wrong`);
    }
  });
});

describe('edits', () => {
  const put = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${ctx.apiUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-admin-token': ctx.operatorKey, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('an employee edit with no editable field is a 400 and changes nothing', async () => {
    const e = dept.members[3] as TestEmployee;
    for (const body of [{}, { department_name: 'x', id: e.id }, [], 'text']) {
      const res = await put(`/api/ra/employees/${e.id}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await put(`/api/ra/employees/${e.id}`, { name: '' })).status, 400);
    const stored = await ctx.db
      .selectFrom('employees')
      .select('name')
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.name, e.name);
  });

  test('the edit refuses a parent that would make a cycle, as the CSV import does; one name rule', async () => {
    const top = await ctx.department({ size: 1 });
    const mid = await ctx.department({ size: 1 });
    const low = await ctx.department({ size: 1 });
    assert.equal((await put(`/api/ra/departments/${mid.id}`, { parent_id: top.id })).status, 200);
    assert.equal((await put(`/api/ra/departments/${low.id}`, { parent_id: mid.id })).status, 200);
    for (const child of [mid, low]) {
      const res = await put(`/api/ra/departments/${top.id}`, { parent_id: child.id });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body), /cycle/);
    }
    const stored = await ctx.db
      .selectFrom('departments')
      .select('parent_id')
      .where('id', '=', top.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.parent_id, null);
    // the same name limit as the CSV import (100 characters)
    assert.equal((await put(`/api/ra/departments/${low.id}`, { name: '部'.repeat(51) })).status, 200);
    assert.equal((await put(`/api/ra/departments/${low.id}`, { name: '部'.repeat(101) })).status, 400);
  });

  test('nobody can make themselves manager or HR contact; grants stand out in the audit log', async () => {
    const target = await ctx.department({ size: 2 });
    const adminPerson = target.members[0] as TestEmployee;
    const other = target.members[1] as TestEmployee;
    await grantRole(ctx.db, adminPerson.id, 'admin', false);
    const admin = await signInEmployee(ctx, adminPerson);
    for (const field of ['hr_contact_id', 'manager_id']) {
      const res = await admin.call('PUT', `/api/ra/departments/${target.id}`, { [field]: adminPerson.id });
      assert.equal(res.status, 403, `${field}: ${JSON.stringify(res.body)}`);
    }
    const stored = await ctx.db
      .selectFrom('departments')
      .select(['hr_contact_id', 'manager_id'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { hr_contact_id: target.hr?.id ?? null, manager_id: target.manager.id });
    assert.equal((await admin.call('GET', `/api/ra/records`)).status, 403, 'still no health access');
    const granted = await admin.call('PUT', `/api/ra/departments/${target.id}`, { hr_contact_id: other.id });
    assert.equal(granted.status, 200);
    // react-admin sends the whole record back: an unchanged manager or HR contact is no grant
    const own = await ctx.department({ size: 1 });
    await ctx.db
      .updateTable('departments')
      .set({ manager_id: adminPerson.id })
      .where('id', '=', own.id)
      .execute();
    const renamed = await admin.call('PUT', `/api/ra/departments/${own.id}`, {
      name: '自己管理的部门',
      manager_id: adminPerson.id,
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const audit = await eventually(async () => {
      const rows = await ctx.db
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'detail'])
        .where('actor', '=', `employee:${adminPerson.id}`)
        .where('action', 'like', 'departments.health_access%')
        .orderBy('id')
        .execute();
      return rows.length === 3 ? rows : undefined;
    });
    assert.deepEqual(
      audit.map((r) => [r.action, r.outcome]),
      [
        ['departments.health_access_self_grant_refused', 'denied'],
        ['departments.health_access_self_grant_refused', 'denied'],
        ['departments.health_access_granted', 'success'],
      ],
    );
  });
});
