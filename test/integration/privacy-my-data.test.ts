// "我的数据": the employee's own records and reviews, the download of everything held about them
// (JSON and Excel) holding nobody else's data through any path, and who read their health answers
// (manager and HR, by role and department; names only where the company's notice allows it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { TestContext, type TestEmployee } from '../helpers/context.ts';
import { signInEmployee, type StaffClient } from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: Awaited<ReturnType<TestContext['department']>>;
let a: TestEmployee;
let b: TestEmployee;
let aRecord: number;
let bRecord: number;
let manager: StaffClient;
let hr: StaffClient;

const A_REMARK = 'remark-of-A-头疼已好转';
const B_REMARK = 'remark-of-B-secret-咳嗽';

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  dept = await ctx.department({ size: 2 });
  [a, b] = dept.members as [TestEmployee, TestEmployee];
  await ctx.expectToday([a, b]);
  aRecord = (await ctx.checkIn(a, { remarks: A_REMARK, temperature: 37.6 })).recordId;
  bRecord = (await ctx.checkIn(b, { remarks: B_REMARK, temperature: 37.8 })).recordId;
  manager = await signInEmployee(ctx, dept.manager);
  hr = await signInEmployee(ctx, dept.hr as TestEmployee);
});
after(async () => ctx.close());

async function me(e: TestEmployee, path: string) {
  const res = await fetch(`${ctx.apiUrl}/api/me${path}`, {
    headers: { authorization: `Bearer ${ctx.token(e.id)}` },
  });
  return res;
}

/** Every text in a workbook, one string. */
async function workbookText(buf: ArrayBuffer): Promise<{ sheets: string[]; text: string }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf);
  const parts: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => parts.push(c.text))));
  return { sheets: wb.worksheets.map((w) => w.name), text: parts.join('\n') };
}

/** Strings that only another person's data would contain. */
const otherPersonMarks = (other: TestEmployee) => [other.userId, other.unionId, B_REMARK];

describe("the employee's own data", () => {
  test('the access history lists reads by the manager and HR, by role and department, without names', async () => {
    // the manager opens A's record, HR lists A's records and A's day history; B's record only by HR
    assert.equal((await manager.call('GET', `/api/ra/records/${aRecord}`)).status, 200);
    const filter = encodeURIComponent(JSON.stringify({ employee_id: [a.id] }));
    assert.equal((await hr.call('GET', `/api/ra/records?filter=${filter}`)).status, 200);
    assert.equal((await hr.call('GET', `/api/ra/employees/${a.id}/days?days=3`)).status, 200);
    assert.equal((await hr.call('GET', `/api/ra/records/${bRecord}`)).status, 200);

    const res = await me(a, '/data/access');
    assert.equal(res.status, 200);
    const items = (
      (await res.json()) as {
        items: { roles: string[]; department: string; name: string | null; action: string }[];
      }
    ).items;
    assert.equal(items.length, 3, JSON.stringify(items));
    assert.ok(items.some((i) => i.roles.includes('manager') && i.department === dept.name));
    assert.equal(items.filter((i) => i.roles.includes('hr')).length, 2);
    assert.ok(
      items.every((i) => i.name === null),
      'no reader names unless the company allows it',
    );
    assert.ok(items.every((i) => !i.roles.includes('employee')));

    // B was read once (HR), and never through A's reads
    const bItems = ((await (await me(b, '/data/access')).json()) as { items: unknown[] }).items;
    assert.equal(bItems.length, 1);
  });

  test('names appear once the notice allows them', async () => {
    const draft = await ctx.admin('POST', '/api/privacy/notices', {
      legalBasis: 'hr_management',
      content: {
        zh: {
          purpose: '健康监测',
          audience: '主管与HR',
          processors: '钉钉',
          rights: '查阅下载',
          contact: 'dpo',
        },
        en: {
          purpose: 'health',
          audience: 'manager, HR',
          processors: 'DingTalk',
          rights: 'access',
          contact: 'dpo',
        },
      },
      showReaderNames: true,
    });
    assert.equal(draft.status, 201);
    assert.equal(
      (await ctx.admin('POST', `/api/privacy/notices/${draft.body.version as number}/publish`, {})).status,
      200,
    );
    // published versions never change
    const edit = await ctx.admin('PUT', `/api/privacy/notices/${draft.body.version as number}`, {
      legalBasis: 'consent',
      content: draft.body.content,
    });
    assert.equal(edit.status, 409);
    // the cache is per process and dropped on publish: seen at once
    const items = ((await (await me(a, '/data/access')).json()) as { items: { name: string | null }[] })
      .items;
    assert.ok(items.some((i) => i.name === dept.manager.name));
  });

  test("my data shows the person's records and reviews only", async () => {
    const res = await me(a, '/data');
    const body = (await res.json()) as {
      records: { id: number; answers: { remarks?: string } }[];
      reviews: { id: number }[];
    };
    assert.deepEqual(
      body.records.map((r) => r.id),
      [aRecord],
    );
    assert.equal(body.records[0]?.answers.remarks, A_REMARK);
    // 37.6 °C opened a review for A (and 37.8 one for B): only A's is listed
    const reviews = await ctx.db.selectFrom('reviews').select(['id', 'employee_id']).execute();
    assert.deepEqual(
      body.reviews.map((r) => r.id).sort(),
      reviews
        .filter((r) => r.employee_id === a.id)
        .map((r) => r.id)
        .sort(),
    );
  });

  test('the download (JSON and Excel) holds everything about the person and nothing about anyone else', async () => {
    const json = await me(a, '/data/export?format=json');
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-disposition') ?? '', /attachment/);
    const text = await json.text();
    const data = JSON.parse(text) as Record<string, unknown> & {
      employee: { id: number; dingtalkUserId: string };
      records: { id: number }[];
      days: unknown[];
      readers: unknown[];
    };
    assert.equal(data.employee.id, a.id);
    assert.equal(data.employee.dingtalkUserId, a.userId);
    assert.deepEqual(
      data.records.map((r) => r.id),
      [aRecord],
    );
    assert.ok(text.includes(A_REMARK));
    assert.equal(data.days.length, 1);
    assert.ok(data.readers.length >= 3);
    for (const mark of otherPersonMarks(b)) assert.ok(!text.includes(mark), `the JSON holds ${mark}`);
    assert.ok(!text.includes(`"id": ${bRecord},`), "B's record id");

    const xlsx = await me(a, '/data/export?format=xlsx');
    assert.equal(xlsx.status, 200);
    const wb = await workbookText(await xlsx.arrayBuffer());
    assert.ok(wb.sheets.includes('records') && wb.sheets.includes('readers'));
    assert.ok(wb.text.includes(A_REMARK));
    for (const mark of otherPersonMarks(b)) assert.ok(!wb.text.includes(mark), `the workbook holds ${mark}`);

    // and B's download holds nothing of A's
    const bText = await (await me(b, '/data/export?format=json')).text();
    for (const mark of [a.userId, a.unionId, A_REMARK])
      assert.ok(!bText.includes(mark), `B's JSON holds ${mark}`);
  });

  test("the download needs the employee's session and takes no other person's id", async () => {
    const res = await fetch(`${ctx.apiUrl}/api/me/data/export?format=json`);
    assert.equal(res.status, 401);
    // a staff session reads its own person, not someone else's (no id parameter exists)
    const q = await fetch(`${ctx.apiUrl}/api/me/data/export?format=json&employeeId=${b.id}`, {
      headers: { authorization: `Bearer ${ctx.token(a.id)}` },
    });
    assert.equal(q.status, 400);
  });
});
