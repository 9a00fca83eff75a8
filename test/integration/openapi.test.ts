// The API contract for integrators: /api/openapi.json is a valid OpenAPI 3.1 document (checked by a
// real validator), lists exactly the routes the Express app has (read from its router by the test
// helper, independently of the generator), says who may call each one, and its schemas are the ones
// the routes validate with; /api/docs renders it as one self-contained page.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { createApp } from '../../api/app.ts';
import { draftSchema } from '../../api/forms/forms.routes.ts';
import { proxySubmissionSchema } from '../../api/checkins/proxy-checkins.routes.ts';
import { permissions } from '../../api/auth/permissions.ts';
import { identitySchema } from '../../api/auth/staff-auth.routes.ts';
import { endpoint, responseDrift } from '../../api/http/contract.ts';
import { createLogger } from '../../config/logger.ts';
import type { DingTalkApi } from '../../dingtalk/types.ts';
import { submissionSchema } from '../../domain/submission.ts';
import { newKey, TestContext, validAnswers, type TestDepartment } from '../helpers/context.ts';
import { declaredRoutes, type DeclaredRoute } from '../helpers/routes.ts';

type Json = Record<string, unknown>;
type Operation = Json & {
  parameters: Json[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, Json & { content?: Record<string, { schema: Json }> }>;
  security: Record<string, string[]>[];
  'x-permissions': string[];
  'x-roles': string[];
};

let ctx: TestContext;
let doc: Json & { paths: Record<string, Record<string, Operation>> };
let routes: DeclaredRoute[];

before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
  const res = await fetch(`${ctx.apiUrl}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /application\/json/);
  doc = (await res.json()) as typeof doc;
  // the same app, built again, for its router (the one serving is behind a socket)
  const app = createApp({
    db: ctx.db,
    temporal: ctx.temporal,
    dingtalk: {} as DingTalkApi,
    config: ctx.config,
    logger: createLogger('silent', 'routes'),
  });
  routes = declaredRoutes(app);
});
after(async () => ctx.close());

const op = (method: string, path: string): Operation => {
  const o = doc.paths[path]?.[method.toLowerCase()];
  assert.ok(o, `${method} ${path} is in the document`);
  return o;
};

const JSON_SCHEMA = { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' } as const;
const validatorSchema = (s: z.ZodType) => {
  const js = z.toJSONSchema(s, JSON_SCHEMA) as Json;
  delete js.$schema;
  return js;
};

describe('the document', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  });

  test('lists every route of the app, and only those', () => {
    const declared = new Set(routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const missing = [...declared].filter((r) => !documented.has(r));
    const extra = [...documented].filter((r) => !declared.has(r));
    assert.deepEqual(missing, [], 'routes without an entry: give them a contract with endpoint()');
    assert.deepEqual(extra, [], 'entries for routes that do not exist');
    assert.ok(declared.size > 60, `${declared.size} routes`);
  });

  test('names each path parameter of the route and every operation once', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths))
      for (const o of Object.values(item)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = o.parameters
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        assert.deepEqual(declared, inPath, path);
        assert.ok(!ids.has(String(o.operationId)), String(o.operationId));
        ids.add(String(o.operationId));
      }
  });

  test('says who may call: permissions and roles from the guards the request passes', () => {
    // a guard mounted in app.ts (authorizeByMethod on /api/forms): read and write differ
    assert.deepEqual(op('GET', '/api/forms')['x-permissions'], ['config:read']);
    assert.deepEqual(op('POST', '/api/forms')['x-permissions'], ['config:write']);
    assert.deepEqual(op('POST', '/api/forms')['x-roles'], ['admin']);
    // two guards on one way (app.ts and the route): both hold, the roles are what both allow
    assert.deepEqual(op('GET', '/api/ra/employees/{id}/days')['x-permissions'], [
      'people:read',
      'health:read',
    ]);
    assert.deepEqual(op('GET', '/api/ra/employees/{id}/days')['x-roles'], ['manager', 'hr']);
    // a route-level guard inside a router
    assert.deepEqual(op('PUT', '/api/ra/departments/{id}')['x-permissions'], ['org:write']);
    // the org chart import: the /api/departments guard and the app.post guard for the import itself
    assert.deepEqual(op('POST', '/api/departments/import')['x-permissions'], ['config:write', 'org:write']);
    // 代填 is a person's act: no operator key
    const proxy = op('POST', '/api/employees/{id}/proxy-checkins');
    assert.deepEqual(proxy['x-permissions'], ['proxy:submit']);
    assert.deepEqual(proxy.security, [{ staffSession: [], csrfToken: [] }]);
    assert.ok(proxy.responses['429'], 'the submission rate limit is documented');
    // the employee's own routes: the employee token or a session
    assert.deepEqual(op('POST', '/api/me/checkins').security, [
      { employeeToken: [] },
      { staffSession: [], csrfToken: [] },
    ]);
    // public routes have no security requirement
    assert.deepEqual(op('POST', '/api/auth/login').security, []);
    assert.deepEqual(op('GET', '/api/openapi.json').security, []);
    // every permission named exists in the table, and the roles are the table's
    for (const item of Object.values(doc.paths))
      for (const o of Object.values(item))
        for (const p of o['x-permissions']) {
          const def = permissions[p as keyof typeof permissions];
          assert.ok(def, p);
          for (const r of o['x-roles']) assert.ok((def.roles as readonly string[]).includes(r), `${p}: ${r}`);
        }
  });

  test('refusals are problem+json with their codes', () => {
    const checkin = op('POST', '/api/me/checkins');
    type Response = Operation['responses'][string];
    const shared = (doc.components as { responses: Record<string, Response> }).responses;
    const resolve = (r: Response | undefined): Response | undefined =>
      typeof r?.$ref === 'string' ? shared[r.$ref.replace('#/components/responses/', '')] : r;
    const refusal = (status: string) =>
      resolve(checkin.responses[status])?.content?.['application/problem+json']?.schema as
        { allOf: [Json, { properties: { code: { enum: string[] } } }] } | undefined;
    assert.deepEqual(refusal('400')?.allOf[1].properties.code.enum.sort(), ['bad_json', 'validation_failed']);
    assert.deepEqual(refusal('409')?.allOf[1].properties.code.enum, ['already_submitted']);
    assert.deepEqual(refusal('422')?.allOf[1].properties.code.enum.sort(), [
      'idempotency_key_reused',
      'submission_window_closed',
    ]);
    assert.ok(refusal('401') && refusal('403'));
    // a busy process refuses a submission (SUBMIT_MAX_IN_FLIGHT), never a read; both 503s say when to retry
    assert.deepEqual(refusal('503')?.allOf[1].properties.code.enum.sort(), ['overloaded', 'unavailable']);
    assert.ok(resolve(checkin.responses['503'])?.headers, 'Retry-After is documented');
    const proxy = op('POST', '/api/employees/{id}/proxy-checkins');
    assert.match(String(proxy.responses['503']?.$ref), /overloaded/);
    assert.doesNotMatch(String(op('GET', '/api/me/today').responses['503']?.$ref), /overloaded/);
    const components = doc.components as { schemas: Record<string, Json> };
    const issueCodes = components.schemas.IssueCode?.enum as string[];
    assert.ok(issueCodes.includes('date_format') && issueCodes.includes('remind_target'));
  });
});

describe('no drift from the validators', () => {
  // the body schema in the document is the JSON Schema of the very zod object the route parses with
  for (const [method, path, schema] of [
    ['POST', '/api/me/checkins', submissionSchema],
    ['POST', '/api/employees/{id}/proxy-checkins', proxySubmissionSchema],
    ['POST', '/api/forms', draftSchema],
    ['PUT', '/api/forms/{version}', draftSchema],
  ] as const)
    test(`${method} ${path}: the body schema is the validator's`, () => {
      const body = op(method, path).requestBody?.content['application/json']?.schema;
      assert.deepEqual(body, validatorSchema(schema));
    });

  test('what the document says is refused, the route refuses', async () => {
    // a property the document marks unknown (additionalProperties: false) → 400 from the route
    const body = op('POST', '/api/auth/login').requestBody?.content['application/json']?.schema as Json;
    assert.equal(body.additionalProperties, false);
    assert.deepEqual((body.required as string[]).sort(), ['password', 'username']);
    const res = await fetch(`${ctx.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y', extra: 1 }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const problem = (await res.json()) as { code: string; errors: { code: string }[] };
    assert.equal(problem.code, 'validation_failed');
    assert.equal(problem.errors[0]?.code, 'unknown_fields');
  });

  test("a route's answer is checked against its documented schema while tests run", async () => {
    // the identity schema of GET /api/auth/me is in the document as the validator's JSON Schema
    const me = op('GET', '/api/auth/me').responses['200']?.content?.['application/json']?.schema;
    assert.deepEqual(me, validatorSchema(identitySchema));
    const answer = await ctx.admin('GET', '/api/auth/me');
    assert.equal(answer.status, 200);
    // a route answering what its contract does not say fails instead of drifting
    const app = express();
    app.get(
      '/drifted',
      endpoint(
        { summary: 'drifted', response: { description: 'a number', schema: z.object({ n: z.number() }) } },
        (_req, res) => {
          res.json({ n: 'not a number' } as never);
        },
      ),
    );
    app.use(((_err, _req, res, _next) => {
      res.status(500).end();
    }) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal((await fetch(`http://127.0.0.1:${port}/drifted`)).status, 500);
      // reported for the test context to fail the file (this one was on purpose)
      const drift = responseDrift.splice(0);
      assert.equal(drift.length, 1);
      assert.match(drift[0] ?? '', /GET \/drifted: the 200 answer does not match its contract/);
    } finally {
      server.close();
    }
  });

  test('list query parameters carry the resource filter schema', () => {
    const list = op('GET', '/api/ra/records');
    const filter = list.parameters.find((p) => p.name === 'filter') as {
      content: { 'application/json': { schema: Json } };
    };
    const schema = filter.content['application/json'].schema;
    assert.equal(schema.additionalProperties, false);
    assert.ok('work_date_gte' in (schema.properties as Json));
  });
});

describe('every answer is what the document says', () => {
  type Response = Operation['responses'][string];
  const resolve = (r: Response | undefined): Response | undefined => {
    const shared = (doc.components as { responses: Record<string, Response> }).responses;
    return typeof r?.$ref === 'string' ? shared[r.$ref.replace('#/components/responses/', '')] : r;
  };

  test('every route answering JSON documents the shape of its success answers', () => {
    const missing: string[] = [];
    let documented = 0;
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, o] of Object.entries(item))
        for (const [status, r] of Object.entries(o.responses)) {
          if (!/^[23]/.test(status)) continue;
          const content = resolve(r)?.content ?? {};
          const where = `${method.toUpperCase()} ${path} ${status}`;
          // no body only for 204 and redirects
          if (Object.keys(content).length === 0 && status !== '204' && !status.startsWith('3'))
            missing.push(`${where}: no content`);
          for (const [type, { schema }] of Object.entries(content)) {
            if (!type.endsWith('json')) continue;
            // a JSON download (a file the client saves) is the one JSON answer without a shape
            if (Object.keys(schema).length === 0) {
              if (!/download|export/.test(path)) missing.push(`${where}: ${type} without a schema`);
            } else documented++;
          }
        }
    assert.deepEqual(missing, [], 'give these responses a schema in their contract');
    assert.ok(documented > 75, `${documented} JSON answers documented`);
  });

  // The API's own answers, checked against the document's JSON Schema by a JSON Schema validator
  // (the test context also checks every answer against the zod schema in the contract): at least
  // one route of every section of the document, reads and writes.
  test('a call to every section answers as its documented schema says', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    ajv.addFormat('date-time', (v: string) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)));
    ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    ajv.addFormat('uri', (v: string) => URL.canParse(v));
    const checked = new Map<string, number>();
    type Caller = 'admin' | 'nobody' | { employee: number };
    const call = async (
      as: Caller,
      method: string,
      template: string,
      opts: { params?: Record<string, string | number>; body?: unknown; csv?: string; expect?: number } = {},
    ) => {
      const url = template.replace(/\{(\w+)\}/g, (_, k: string) =>
        encodeURIComponent(String(opts.params?.[k])),
      );
      const headers: Record<string, string> = {};
      if (as === 'admin') headers['x-admin-token'] = ctx.operatorKey;
      else if (as !== 'nobody') headers.authorization = `Bearer ${ctx.token(as.employee)}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.csv !== undefined) headers['content-type'] = 'text/csv';
      const res = await fetch(`${ctx.apiUrl}${url}`, {
        method,
        headers,
        body: opts.csv ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      });
      const raw = Buffer.from(await res.arrayBuffer());
      const type = String(res.headers.get('content-type') ?? '').split(';')[0] ?? '';
      const body: unknown = type.endsWith('json') && raw.length ? JSON.parse(raw.toString('utf8')) : raw;
      const where = `${method} ${url} → ${res.status} ${type}: ${raw.toString('utf8').slice(0, 300)}`;
      assert.equal(res.status, opts.expect ?? 200, where);
      const path = template.replace(/\?.*$/, '');
      const documented = resolve(op(method, path).responses[String(res.status)]);
      assert.ok(documented, `${where}: status documented`);
      const content = documented.content ?? {};
      if (raw.length === 0 && Object.keys(content).length === 0) {
        checked.set(`${method} ${path}`, res.status);
        return { status: res.status, body, headers: res.headers };
      }
      const media = content[type] ?? content['application/json'];
      assert.ok(content[type], `${where}: media type one of ${Object.keys(content).join(', ')}`);
      if (type.endsWith('json') && media && Object.keys(media.schema).length) {
        const validate = ajv.compile(media.schema);
        assert.ok(validate(body), `${where}\n${JSON.stringify(validate.errors, null, 2)}`);
      }
      checked.set(`${method} ${path}`, res.status);
      return { status: res.status, body, headers: res.headers };
    };
    type Row = Record<string, unknown> & { id: number };
    const rows = (r: { body: unknown }) => r.body as Row[];
    const one = (r: { body: unknown }) => r.body as Row;

    const dept: TestDepartment = await ctx.department({ size: 2 });
    const [a, b] = dept.members as [TestDepartment['members'][number], TestDepartment['members'][number]];
    const schedule = await ctx.expectToday([a, b]);
    const today = schedule.workDate;

    // auth, the company's clock, the public config, probes
    await call('admin', 'GET', '/api/auth/me');
    await call('admin', 'GET', '/api/company/clock');
    await call('nobody', 'GET', '/api/public/config');
    await call('nobody', 'GET', '/livez');
    await call('nobody', 'GET', '/api/openapi.json');
    await call('nobody', 'GET', '/metrics');

    // the check-in: today's page, a submission, its replay, the pass and the guard's check
    await call({ employee: a.id }, 'GET', '/api/me/today');
    const submission = { idempotencyKey: newKey(), answers: { ...validAnswers, temperature: 38.2 } };
    const stored = one(
      await call({ employee: a.id }, 'POST', '/api/me/checkins', { body: submission, expect: 201 }),
    );
    await call({ employee: a.id }, 'POST', '/api/me/checkins', { body: submission, expect: 200 });
    const recordId = (stored.record as Row).id;
    await call({ employee: a.id }, 'GET', '/api/me/today');
    const pass = one(await call({ employee: a.id }, 'GET', '/api/me/pass'));
    await call('nobody', 'GET', '/api/pass/verify?p={p}', { params: { p: String(pass.token) } });

    // records and the review the warning opened
    await call('admin', 'GET', '/api/ra/records');
    await call('admin', 'GET', '/api/ra/records/{id}', { params: { id: recordId } });
    await call('admin', 'GET', '/api/records/{id}', { params: { id: recordId } });
    // the warning opened a review
    const reviewId = Number(stored.reviewId);
    assert.ok(reviewId > 0);
    assert.ok(rows(await call('admin', 'GET', '/api/ra/reviews')).length > 0);
    await call('admin', 'GET', '/api/ra/reviews/{id}', { params: { id: reviewId } });

    // the dashboard
    for (const p of ['today', 'heatmap', 'trend', 'non-submitters'])
      await call('admin', 'GET', `/api/dashboard/${p}`);

    // people and departments
    assert.ok(rows(await call('admin', 'GET', '/api/ra/employees')).length > 0);
    const employee = one(await call('admin', 'GET', '/api/ra/employees/{id}', { params: { id: b.id } }));
    await call('admin', 'PUT', '/api/ra/employees/{id}', { params: { id: b.id }, body: employee });
    await call('admin', 'GET', '/api/ra/employees/{id}/days', { params: { id: a.id } });
    await call('admin', 'GET', '/api/ra/departments');
    const department = one(
      await call('admin', 'GET', '/api/ra/departments/{id}', { params: { id: dept.id } }),
    );
    await call('admin', 'PUT', '/api/ra/departments/{id}', { params: { id: dept.id }, body: department });
    await call('admin', 'POST', '/api/departments/import?dryRun=true', { csv: 'name\n契约测试部\n' });

    // leave, reminders, remind now
    const leave = one(
      await call('admin', 'POST', '/api/ra/leaves', {
        body: { employee_id: b.id, kind: 'leave', from_date: '2030-01-02', to_date: '2030-01-03' },
        expect: 201,
      }),
    );
    await call('admin', 'GET', '/api/ra/leaves');
    await call('admin', 'GET', '/api/ra/leaves/{id}', { params: { id: leave.id } });
    await call('admin', 'DELETE', '/api/ra/leaves/{id}', { params: { id: leave.id } });
    await ctx.db
      .insertInto('reminders_sent')
      .values({
        employee_id: b.id,
        department_id: dept.id,
        work_date: today,
        level: 1,
        channel: 'work_notice',
        status: 'sent',
        batch_key: `contract-${b.id}`,
        sent_at: new Date(),
      })
      .execute();
    const reminders = rows(await call('admin', 'GET', '/api/ra/reminders'));
    assert.ok(reminders.length > 0);
    await call('admin', 'GET', '/api/ra/reminders/{id}', { params: { id: reminders[0]?.id ?? '' } });
    await call('admin', 'POST', '/api/ra/reminders/remind-now', {
      body: { employee_ids: [a.id] },
      expect: 202,
    });

    // configuration: forms, policy, calendar
    const forms = rows(await call('admin', 'GET', '/api/forms'));
    const current = one(await call('admin', 'GET', '/api/forms/current'));
    await call('admin', 'GET', '/api/forms/{version}', { params: { version: Number(forms[0]?.version) } });
    const draft = one(
      await call('admin', 'POST', '/api/forms', { body: { definition: current.definition }, expect: 201 }),
    );
    await call('admin', 'PUT', '/api/forms/{version}', {
      params: { version: Number(draft.version) },
      body: { definition: current.definition, note: 'the same again' },
    });
    await call('admin', 'POST', '/api/forms/{version}/publish', {
      params: { version: Number(draft.version) },
    });
    const policy = one(await call('admin', 'GET', '/api/policy'));
    await call('admin', 'GET', '/api/departments/{id}/policy', { params: { id: dept.id } });
    await call('admin', 'PUT', '/api/departments/{id}/policy', {
      params: { id: dept.id },
      body: { policy: policy.current, effectiveFrom: '2030-01-01' },
    });
    await call('admin', 'PUT', '/api/departments/{id}/time-zone', {
      params: { id: dept.id },
      body: { timeZone: null },
    });
    await call('admin', 'PUT', '/api/employees/{id}/work-pattern', {
      params: { id: b.id },
      body: { workdays: null, timeZone: null },
    });
    await call('admin', 'GET', '/api/calendar/{year}', { params: { year: 2026 } });
    await call('admin', 'PUT', '/api/calendar/overrides/{date}', {
      params: { date: '2031-01-06' },
      body: { kind: 'day_off' },
    });
    await call('admin', 'DELETE', '/api/calendar/overrides/{date}', {
      params: { date: '2031-01-06' },
      expect: 204,
    });

    // privacy: settings, a notice from draft to published, the employee's answer and 我的数据
    const settings = one(await call('admin', 'GET', '/api/privacy/settings'));
    await call('admin', 'PUT', '/api/privacy/settings', { body: settings.settings });
    const text = { purpose: '目的', audience: '读者', processors: '处理者', rights: '权利', contact: '联系' };
    const notice = { legalBasis: 'hr_management', content: { zh: text, en: text } };
    const created = one(await call('admin', 'POST', '/api/privacy/notices', { body: notice, expect: 201 }));
    await call('admin', 'PUT', '/api/privacy/notices/{version}', {
      params: { version: created.id },
      body: notice,
    });
    await call('admin', 'POST', '/api/privacy/notices/{version}/publish', {
      params: { version: created.id },
    });
    await call('admin', 'GET', '/api/privacy/notices');
    await call('admin', 'GET', '/api/privacy/notices/{version}', { params: { version: created.id } });
    await call({ employee: a.id }, 'GET', '/api/me/privacy');
    await call({ employee: a.id }, 'POST', '/api/me/privacy/answers', {
      body: { version: created.id, action: 'acknowledged' },
      expect: 201,
    });
    await call({ employee: a.id }, 'GET', '/api/me/data');
    await call({ employee: a.id }, 'GET', '/api/me/data/access');
    await call({ employee: a.id }, 'GET', '/api/me/data/export?format=json');
    await call({ employee: a.id }, 'GET', '/api/me/data/export?format=xlsx');

    // data requests: filed by the employee, read by HR
    const filed = one(
      await call({ employee: a.id }, 'POST', '/api/me/data-requests', {
        body: { kind: 'correction', recordId: String(recordId), message: '体温量错了' },
        expect: 202,
      }),
    );
    await call({ employee: a.id }, 'GET', '/api/me/data-requests');
    await call('admin', 'GET', '/api/ra/data-requests');
    await call('admin', 'GET', '/api/ra/data-requests/{id}', { params: { id: Number(filed.id) } });

    // exports: a file streamed back, and one run as a workflow
    const range = { from: today, to: today, purpose: 'contract test' };
    await call('admin', 'POST', '/api/exports', { body: { ...range, format: 'xlsx', mode: 'sync' } });
    await call('admin', 'POST', '/api/exports', { body: { ...range, format: 'pdf', mode: 'sync' } });
    const queued = one(
      await call('admin', 'POST', '/api/exports', {
        body: { ...range, format: 'xlsx', mode: 'async' },
        expect: 202,
      }),
    );
    await call('admin', 'GET', '/api/exports');
    await call('admin', 'GET', '/api/exports/{id}', { params: { id: queued.id } });

    // the audit log (by now it holds the reads above), the payload codec, the fan-out
    const audit = rows(await call('admin', 'GET', '/api/ra/audit'));
    await call('admin', 'GET', '/api/ra/audit/{id}', { params: { id: audit[0]?.id ?? 0 } });
    await call('admin', 'POST', '/temporal-codec/decode', {
      body: {
        payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'MQ==' }],
      },
    });
    await call('admin', 'POST', '/api/admin/fanout', { body: {}, expect: 202 });

    // every section of the document had at least one of its answers checked
    const sections = new Set(
      Object.values(doc.paths).flatMap((item) =>
        Object.values(item).map((o) => String((o.tags as string[])[0])),
      ),
    );
    const reached = new Set(
      [...checked.keys()].map((k) => {
        const [method, path] = k.split(' ') as [string, string];
        return String((op(method, path).tags as string[])[0]);
      }),
    );
    // a review's decision is a person's act the review workflow answers (no worker here): the
    // reviews tests make it, and their context checks the answer against the contract
    const elsewhere = new Set(['reviews']);
    assert.deepEqual(
      [...sections].filter((t) => !reached.has(t) && !elsewhere.has(t)).sort(),
      [],
      'sections without a call here: add one of their routes',
    );
    assert.ok(checked.size >= 70, `${checked.size} operations checked`);
  });
});

describe('the reference page', () => {
  test('is one HTML page naming every operation, loading nothing from elsewhere', async () => {
    const res = await fetch(`${ctx.apiUrl}/api/docs`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /text\/html/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!health-checkin\.local)[^"'\s<]*\.(js|css)/i);
    for (const [path, item] of Object.entries(doc.paths))
      for (const o of Object.values(item)) assert.ok(html.includes(`id="${String(o.operationId)}"`), path);
    assert.match(html, /Requires permission <code>proxy:submit<\/code>/);
  });
});
