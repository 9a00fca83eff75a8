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
import { TestContext } from '../helpers/context.ts';
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
