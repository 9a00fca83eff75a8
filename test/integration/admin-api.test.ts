// The admin UI's data contract (react-admin simple-rest) and the dashboard figures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  newKey,
  TestContext,
  validAnswers,
  type TestDepartment,
  type TestEmployee,
} from '../helpers/context.ts';

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
