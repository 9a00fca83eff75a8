// Property: whatever malformed request reaches any write endpoint or list filter — invalid JSON,
// foreign charsets and encodings, control characters, deep nesting, __proto__ keys, huge or
// non-numbers, bad percent-encoding — the answer is a 4xx problem, nothing in the database
// changes and /healthz stays ok. The endpoints are read from the app's router, so a new route is
// covered without being listed. Replay a failure with FUZZ_SEED=<seed printed on failure>.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../config/logger.ts';
import { grantRole } from '../../db/repositories/access.ts';
import type { DingTalkApi } from '../../dingtalk/types.ts';
import { TestContext, type TestDepartment } from '../helpers/context.ts';
import { declaredRoutes, type DeclaredRoute } from '../helpers/routes.ts';
import { signInEmployee, type StaffClient } from '../helpers/staff-client.ts';

/** requests per property run, sent together so the I/O overlaps (the failing one is named) */
const BATCH = 8;
const RUNS = 150;
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let ctx: TestContext;
let dept: TestDepartment;
let staff: StaffClient;
let writes: DeclaredRoute[];
let lists: DeclaredRoute[];

/** Takes no input at all, so no request to it is malformed (and one would end the fuzzing session). */
const INPUTLESS = new Set(['POST /api/auth/logout']);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Tables whose rows may change on a refused request: the refusals' own audit rows. */
const CHANGING = new Set(['audit_log']);

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  dept = await ctx.department({ size: 2 });
  // one caller who passes every guard (manager, company-wide HR, admin), so input reaches the handlers
  await grantRole(ctx.db, dept.manager.id, 'hr', true);
  await grantRole(ctx.db, dept.manager.id, 'admin', true);
  staff = await signInEmployee(ctx, dept.manager);
  const app = createApp({
    db: ctx.db,
    temporal: ctx.temporal,
    dingtalk: {} as DingTalkApi,
    config: ctx.config,
    logger: createLogger('silent', 'routes'),
  });
  const routes = declaredRoutes(app);
  writes = routes.filter((r) => WRITE.has(r.method) && !INPUTLESS.has(`${r.method} ${r.path}`));
  lists = routes.filter((r) => r.method === 'GET' && /^\/api\/ra\/[\w-]+$/.test(r.path));
});
after(async () => ctx.close());

async function fingerprint(): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(ctx.db);
  const out: Record<string, string> = {};
  for (const { name } of tables.rows) {
    if (CHANGING.has(name)) continue;
    const r = await sql<{ h: string }>`
      select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${sql.table(name)} t`.execute(
      ctx.db,
    );
    out[name] = r.rows[0]?.h ?? '';
  }
  return out;
}

// ---- generators -------------------------------------------------------------------------------

const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f'];
const oddScalar = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.1, 'NaN', 'Infinity', '-1', '1e309', '', ' ', '[]', '{}'),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
);
const oddKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'id', 'answers', 'name', ''),
  fc.string({ maxLength: 12 }),
);
const junk = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, oddScalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(oddKey, tie('value'), { maxKeys: 5 }),
})).object;

/** A JSON text with a control character in one string (or key) somewhere inside valid JSON. */
const withControlChar = fc
  .tuple(junk, oddKey, fc.string({ maxLength: 8 }), fc.constantFrom(...CONTROL), fc.boolean())
  .map(([obj, key, text, ctl, inKey]) =>
    JSON.stringify(
      inKey ? { ...obj, [`${key}${ctl}`]: text } : { ...obj, [key || 'reason']: `${text}${ctl}x` },
    ),
  );

const deeplyNested = fc
  .tuple(fc.integer({ min: 40, max: 400 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

const invalidJson = fc.constantFrom(
  '{',
  '{"a":',
  '[1,,2]',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":1}}',
  '{"a":"\\x"}',
  '"just a string"',
  '42',
  'null',
  '\ufeff{}x',
);

/** A control character, percent-encoded (refused in a path segment and in a query value). */
const controlSegment = fc.constantFrom('a%00b', '%00', '%01', '%1b[2J', '%7F', '%0C');
/** Malformed percent-encoding (refused in a path; a query string is decoded leniently) or a control character. */
const badSegment = fc.oneof(fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%FF'), controlSegment);

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const fillParams = (path: string, value: string) => path.replace(/:(\w+)/g, () => value);

const paramValue = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-1',
    '1.5',
    '99999999999999999999',
    '1e309',
    'NaN',
    '__proto__',
    '2026-02-30',
    'x',
  ),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);

const json = { 'content-type': 'application/json' };

function writeRequest(): fc.Arbitrary<FuzzRequest> {
  const route = fc.constantFrom(...writes);
  const at = (r: DeclaredRoute, p: string) => fillParams(r.path, p);
  return fc.oneof(
    fc.record({ r: route, p: paramValue, body: invalidJson }).map(({ r, p, body }) => ({
      kind: 'invalid JSON',
      method: r.method,
      path: at(r, p),
      headers: json,
      body,
    })),
    fc
      .record({
        r: route,
        p: paramValue,
        body: junk,
        cs: fc.constantFrom('latin1', 'iso-8859-1', 'koi8-r', 'x-unknown', 'ascii'),
      })
      .map(({ r, p, body, cs }) => ({
        kind: 'foreign charset',
        method: r.method,
        path: at(r, p),
        headers: { 'content-type': `application/json; charset=${cs}` },
        body: JSON.stringify(body),
      })),
    fc
      .record({
        r: route,
        p: paramValue,
        body: junk,
        enc: fc.constantFrom('gzip', 'br', 'deflate', 'compress', 'x-zip'),
      })
      .map(({ r, p, body, enc }) => ({
        kind: 'content-encoding without encoded body',
        method: r.method,
        path: at(r, p),
        headers: { ...json, 'content-encoding': enc },
        body: JSON.stringify(body),
      })),
    fc
      .record({ r: route, p: paramValue, body: withControlChar, csv: fc.boolean() })
      .map(({ r, p, body, csv }) => ({
        kind: 'control character in body',
        method: r.method,
        path: at(r, p),
        // the CSV imports read text: the same rule applies to it
        headers: csv && r.path.endsWith('/import') ? { 'content-type': 'text/csv' } : json,
        body,
      })),
    fc.record({ r: route, p: paramValue, body: deeplyNested }).map(({ r, p, body }) => ({
      kind: 'deep nesting',
      method: r.method,
      path: at(r, p),
      headers: json,
      body,
    })),
    fc.record({ r: route, seg: badSegment, body: junk }).map(({ r, seg, body }) => ({
      kind: 'bad path segment',
      method: r.method,
      path: r.path.includes(':') ? fillParams(r.path, seg) : `${r.path}/${seg}`,
      headers: json,
      body: JSON.stringify(body),
    })),
    fc.record({ r: route, p: paramValue, seg: controlSegment, body: junk }).map(({ r, p, seg, body }) => ({
      kind: 'bad query value',
      method: r.method,
      path: `${at(r, p)}?dryRun=${seg}&q=${seg}`,
      headers: json,
      body: JSON.stringify(body),
    })),
  );
}

const oddFilter = fc.oneof(
  controlSegment.map((s) => `filter=${s}`),
  fc.constantFrom(
    'filter=not-json',
    `filter=${encodeURIComponent('{"q":"\u0000"}')}`,
    `filter=${encodeURIComponent('{"id":"\u0001"}')}`,
    `range=${encodeURIComponent('[0,"\u0000"]')}`,
    `sort=${encodeURIComponent('["id\u0000","ASC"]')}`,
  ),
);

function listRequest(): fc.Arbitrary<FuzzRequest> {
  return fc.record({ r: fc.constantFrom(...lists), q: oddFilter }).map(({ r, q }) => ({
    kind: 'list filter',
    method: 'GET',
    path: `${r.path}?${q}`,
    headers: {},
  }));
}

async function send(req: FuzzRequest): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${ctx.apiUrl}${req.path}`, {
    method: req.method,
    headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrf, ...req.headers },
    body: req.body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

test(`over 1000 malformed requests to every write endpoint and list filter: all 4xx problems, no row changed (seed ${seed})`, async () => {
  assert.ok(writes.length > 20, `the router lists the write endpoints (found ${writes.length})`);
  assert.ok(lists.length >= 5, `the router lists the react-admin lists (found ${lists.length})`);
  const before = await fingerprint();
  const seen = new Map<string, number>();
  const request = fc.oneof({ weight: 4, arbitrary: writeRequest() }, { weight: 1, arbitrary: listRequest() });
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const answers = await Promise.all(batch.map(send));
      batch.forEach((req, i) => {
        const res = answers[i] as Awaited<ReturnType<typeof send>>;
        seen.set(req.kind, (seen.get(req.kind) ?? 0) + 1);
        const where = `${req.kind}: ${req.method} ${req.path} → ${res.status} ${res.text.slice(0, 200)}`;
        assert.ok(res.status >= 400 && res.status < 500, where);
        assert.match(res.type, /application\/problem\+json/, where);
      });
    }),
    { seed, numRuns: RUNS, endOnFailure: true },
  );
  const sent = [...seen.values()].reduce((x, y) => x + y, 0);
  assert.ok(sent >= 1000, `at least 1000 requests (sent ${sent})`);
  assert.deepEqual(await fingerprint(), before, 'no table changed');
  const health = await fetch(`${ctx.apiUrl}/healthz`);
  assert.equal(health.status, 200);
  // every kind of malformation was tried
  assert.equal(seen.size, 8, JSON.stringify([...seen]));
});
