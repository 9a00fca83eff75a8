// A signed-in admin-console user for API tests: the session cookie and CSRF token the browser
// would hold, sent the way the admin UI sends them.
import { hashPassword } from '../../security/passwords.ts';
import type { StaffRole } from '../../db/database.ts';
import { grantRole } from '../../db/repositories/access.ts';
import type { TestContext, TestDepartment, TestEmployee } from './context.ts';

/** A request body sent as it is (CSV, images) instead of as JSON. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly data: string | Buffer,
  ) {}
}

/** Status, headers and the body: parsed when JSON, else its text (binary or text bodies). */
async function readResponse(res: Response): Promise<StaffResponse> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Headers and body for fetch: JSON unless the body is a RawBody. */
export function encodeBody(body: unknown): { headers: Record<string, string>; body?: string | Buffer } {
  if (body === undefined) return { headers: {} };
  if (body instanceof RawBody) return { headers: { 'content-type': body.contentType }, body: body.data };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export interface StaffResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

export class StaffClient {
  constructor(
    private readonly ctx: TestContext,
    readonly cookie: string,
    readonly csrf: string,
    readonly identity: { id: string; roles: string[]; permissions: string[] },
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: boolean } = {},
  ): Promise<StaffResponse> {
    const encoded = encodeBody(body);
    const headers: Record<string, string> = { cookie: this.cookie, ...encoded.headers };
    if (opts.csrf !== false) headers['x-csrf-token'] = this.csrf;
    return readResponse(await fetch(`${this.ctx.apiUrl}${path}`, { method, headers, body: encoded.body }));
  }
}

function sessionFrom(res: Response): { cookie: string; csrf: string } {
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  const csrf = cookies.find((c) => c.startsWith('hc_csrf='))?.slice('hc_csrf='.length) ?? '';
  return { cookie: cookies.join('; '), csrf };
}

/** Signs an employee in as DingTalk's workbench 免登 would (a code from the fake). */
export async function signInEmployee(ctx: TestContext, e: TestEmployee): Promise<StaffClient> {
  const authCode = ctx.fake.state.issueAuthCode(e.userId);
  const res = await fetch(`${ctx.apiUrl}/api/auth/dingtalk/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authCode }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${e.name} failed: ${res.status} ${await res.text()}`);
  const { cookie, csrf } = sessionFrom(res);
  return new StaffClient(ctx, cookie, csrf, (await res.json()) as StaffClient['identity']);
}

let accountSeq = 0;

/** Creates a local account and signs it in. */
export async function createLocalAccount(
  ctx: TestContext,
  roles: StaffRole[],
  opts: { hrAllDepartments?: boolean } = {},
): Promise<{ username: string; password: string }> {
  const username = `local-${process.pid}-${++accountSeq}`;
  const password = `pw-${username}-secret`;
  await ctx.db
    .insertInto('local_accounts')
    .values({
      username,
      password_hash: await hashPassword(password),
      roles,
      hr_all_departments: opts.hrAllDepartments ?? roles.includes('hr'),
    })
    .execute();
  return { username, password };
}

export async function signInLocal(
  ctx: TestContext,
  account: { username: string; password: string },
): Promise<StaffClient> {
  const res = await fetch(`${ctx.apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (res.status !== 200) throw new Error(`local sign-in failed: ${res.status} ${await res.text()}`);
  const { cookie, csrf } = sessionFrom(res);
  return new StaffClient(ctx, cookie, csrf, (await res.json()) as StaffClient['identity']);
}

const sessions = new WeakMap<TestContext, Map<number, Promise<StaffClient | null>>>();

/**
 * A request as this person would make it: with their admin-console session when they are staff
 * (signed in once per context), else with the check-in page's employee token, which reaches only
 * their own check-in.
 */
export async function callAs(
  ctx: TestContext,
  e: TestEmployee,
  method: string,
  path: string,
  body?: unknown,
): Promise<StaffResponse> {
  const mine = sessions.get(ctx) ?? new Map<number, Promise<StaffClient | null>>();
  sessions.set(ctx, mine);
  let session = mine.get(e.id);
  if (!session) {
    session = signInEmployee(ctx, e).catch(() => null);
    mine.set(e.id, session);
  }
  const staff = await session;
  if (staff) return staff.call(method, path, body);
  const encoded = encodeBody(body);
  const res = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers: { ...encoded.headers, authorization: `Bearer ${ctx.token(e.id)}` },
    body: encoded.body,
  });
  return readResponse(res);
}

/**
 * The staff the scope tests sign in for two departments: A's manager and A's HR contact (both
 * scoped to A), and a member of B given a company-wide HR grant.
 */
export async function signInScopedStaff(
  ctx: TestContext,
  a: TestDepartment,
  b: TestDepartment,
): Promise<{ managerA: StaffClient; hrA: StaffClient; hrAll: StaffClient }> {
  const companyHr = b.members[1] as TestEmployee;
  await grantRole(ctx.db, companyHr.id, 'hr', true);
  return {
    managerA: await signInEmployee(ctx, a.manager),
    hrA: await signInEmployee(ctx, a.hr as TestEmployee),
    hrAll: await signInEmployee(ctx, companyHr),
  };
}
