// The codec server for the Temporal Web UI and CLI: sealed history payloads come back readable
// for company-wide HR and the operator key only, from the Temporal UI's origin with the session
// cookie, and every call is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkinWorkflowId } from '../../domain/workflow-ids.ts';
import { eventually, TestContext, type TestDepartment, type TestEmployee } from '../helpers/context.ts';
import {
  createLocalAccount,
  signInEmployee,
  signInLocal,
  type StaffClient,
} from '../helpers/staff-client.ts';

let ctx: TestContext;
let dept: TestDepartment;
let employee: TestEmployee;
/** the day workflow's input as the Temporal UI sends it: proto3 JSON, bytes in base64 */
let sealed: { metadata: Record<string, string>; data: string }[];
let hr: StaffClient;
let hrAccount: { username: string };

const UI_ORIGIN = 'http://127.0.0.1:8233';
const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');
const text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'in-process' });
  dept = await ctx.department({ size: 1 });
  employee = dept.members[0] as TestEmployee;
  const s = await ctx.schedule(1);
  await ctx.startDay([employee], s);
  const history = await ctx.temporal.workflow
    .getHandle(checkinWorkflowId(s.workDate, employee.id))
    .fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  sealed = started.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(p.data),
  }));
  const account = await createLocalAccount(ctx, ['hr']);
  hrAccount = account;
  hr = await signInLocal(ctx, account);
});
after(async () => ctx.close());

/** A call as the Temporal UI makes it: its origin, the cookie when credentials are included. */
async function decode(
  headers: Record<string, string>,
  payloads: unknown = sealed,
  path = '/temporal-codec/decode',
) {
  const res = await fetch(`${ctx.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: UI_ORIGIN, ...headers },
    body: JSON.stringify({ payloads }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('Temporal payload codec', () => {
  test('the history holds the input sealed; company-wide HR decodes it from the Temporal UI', async () => {
    assert.ok(sealed.length > 0);
    assert.equal(text(sealed[0]?.metadata.encoding), 'binary/encrypted');
    assert.doesNotMatch(text(sealed[0]?.data), new RegExp(`"employeeId":${employee.id}`));

    // no CSRF header: the UI cannot send one; CORS and SameSite=Strict keep other sites out
    const res = await decode({ cookie: hr.cookie, 'x-namespace': ctx.config.temporal.namespace });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    const [plain] = res.body.payloads as { metadata: Record<string, string>; data: string }[];
    assert.equal(text(plain?.metadata.encoding), 'json/plain');
    assert.match(text(plain?.data), new RegExp(`"employeeId":${employee.id}`));

    const audit = await eventually(() =>
      ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'temporal.decode')
        .where('actor', '=', `account:${hrAccount.username}`)
        .executeTakeFirst(),
    );
    assert.deepEqual(
      [audit.outcome, audit.target_id, audit.detail],
      ['success', ctx.config.temporal.namespace, { payloads: sealed.length }],
    );
  });

  test('the CLI path with the namespace and the operator key header', async () => {
    const res = await decode(
      { 'x-admin-token': ctx.operatorKey },
      sealed,
      `/temporal-codec/${ctx.config.temporal.namespace}/decode`,
    );
    assert.equal(res.status, 200);
    assert.match(
      text((res.body.payloads as { data: string }[])[0]?.data),
      new RegExp(`"employeeId":${employee.id}`),
    );
  });

  test('managers, department HR, admins and strangers are refused', async () => {
    const manager = await signInEmployee(ctx, dept.manager);
    const departmentHr = await signInEmployee(ctx, dept.hr as TestEmployee);
    const adminAccount = await createLocalAccount(ctx, ['admin']);
    const admin = await signInLocal(ctx, adminAccount);
    assert.equal((await decode({ cookie: manager.cookie })).status, 403);
    assert.equal((await decode({ cookie: departmentHr.cookie })).status, 403, 'HR of one department');
    assert.equal((await decode({ cookie: admin.cookie })).status, 403, 'admins do not read answers');
    assert.equal((await decode({})).status, 401);
    assert.equal((await decode({ 'x-admin-token': 'wrong' })).status, 401);
    // Refused before the route, a row names the path; department HR is refused inside it.
    const denied = await eventually(async () => {
      const rows = await ctx.db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', 'in', ['POST /temporal-codec/decode', 'temporal.decode'])
        .where('outcome', '=', 'denied')
        .execute();
      return rows.length >= 5 ? rows : undefined;
    });
    assert.deepEqual(
      denied.map((r) => r.actor).sort(),
      [
        `account:${adminAccount.username}`,
        'anonymous',
        'anonymous',
        `employee:${dept.manager.id}`,
        `employee:${(dept.hr as TestEmployee).id}`,
      ].sort(),
    );
  });

  test('CORS: the Temporal UI origin is allowed with credentials, another origin is not', async () => {
    const preflight = (origin: string) =>
      fetch(`${ctx.apiUrl}/temporal-codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ok = await preflight(UI_ORIGIN);
    assert.equal(ok.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /x-namespace/);
    const evil = await preflight('https://evil.example.com');
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    const res = await decode({ cookie: hr.cookie, origin: 'https://evil.example.com' });
    assert.equal(res.headers.get('access-control-allow-origin'), null, 'the answer is unreadable there');
  });

  test('malformed and tampered payloads get a clear 400', async () => {
    const notBase64 = await decode({ cookie: hr.cookie }, [{ metadata: { encoding: '%%%' } }]);
    assert.equal(notBase64.status, 400);
    const first = sealed[0] as { metadata: Record<string, string>; data: string };
    const bytes = Buffer.from(first.data, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    const tampered = await decode({ cookie: hr.cookie }, [{ ...first, data: bytes.toString('base64') }]);
    assert.equal(tampered.status, 400);
    assert.match(String(tampered.body.title), /cannot be decoded/);
  });
});
