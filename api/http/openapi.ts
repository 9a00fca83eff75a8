// The OpenAPI 3.1 document, generated from the running Express app: every route that carries a
// contract (api/http/contract.ts) becomes an operation, its schemas converted from the same zod
// objects that validate the request, its required permission and roles read from the guard
// middleware the request passes through on its way to the route (app.ts and the routers), its
// refusals as problem+json. Nothing here lists routes by hand.
import type { Express } from 'express';
import { z } from 'zod';
import type { IssueCode } from '../../domain/issue-codes.ts';
import { permissions, type Permission } from '../auth/permissions.ts';
import { roles as allRoles, type Role } from '../auth/principal.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/staff-session.ts';
import { contractOf, guardOf, type AnyContract, type GuardMeta, type ResponseSpec } from './contract.ts';
import type { ErrorCode } from './errors.ts';

/** The HTTP status each problem code is answered with (`satisfies`: a new code must be added here). */
export const problemStatus = {
  validation_failed: 400,
  bad_request: 400,
  bad_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  review_not_yours: 403,
  not_found: 404,
  conflict: 409,
  already_submitted: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  submission_window_closed: 422,
  idempotency_key_reused: 422,
  consent_required: 403,
  photo_removed: 410,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  overloaded: 503,
} as const satisfies Record<ErrorCode, number>;

/** Every field issue code (domain/issue-codes.ts); `satisfies` fails to compile when one is missing. */
const issueCodes = Object.keys({
  invalid: 1,
  required: 1,
  invalid_type: 1,
  too_small: 1,
  too_big: 1,
  too_short: 1,
  too_long: 1,
  too_few: 1,
  too_many: 1,
  not_integer: 1,
  invalid_format: 1,
  invalid_value: 1,
  unknown_fields: 1,
  control_characters: 1,
  nested_too_deep: 1,
  date_format: 1,
  time_hhmm: 1,
  time_zone_unknown: 1,
  levels_repeat: 1,
  level3_needs_level2: 1,
  reminder_order: 1,
  effective_from_too_early: 1,
  date_range_order: 1,
  date_range_too_long: 1,
  nothing_to_change: 1,
  department_cycle: 1,
  unknown_department: 1,
  no_such_record: 1,
  not_an_image: 1,
  content_type_csv: 1,
  remind_target: 1,
  field_key_format: 1,
  duplicate_key: 1,
  options_needed: 1,
  not_prefillable: 1,
  min_above_max: 1,
  unknown_field_ref: 1,
  consent_required: 1,
  consent_withdrawn: 1,
  notice_not_draft: 1,
  purpose_required: 1,
  corrections_only_on_approve: 1,
  not_a_correction: 1,
  correction_needs_record: 1,
} satisfies Record<IssueCode, 1>);

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), the input side (before transforms). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const js = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  delete js.$schema;
  return js;
}

// ---- walking the router -------------------------------------------------------------------------

interface MatchResult {
  path: string;
}
interface LayerLike {
  rawPath?: unknown;
  slash?: boolean;
  matchers?: ((path: string) => MatchResult | false)[];
  handle?: { stack?: LayerLike[] } & ((...args: never[]) => unknown);
  route?: RouteLike;
}
interface RouteLike {
  path: unknown;
  methods: Record<string, boolean>;
  stack: LayerLike[];
}

export interface Endpoint {
  method: string;
  /** Express form, mount prefixes joined: /api/ra/employees/:id */
  path: string;
  contract: AnyContract | undefined;
  guards: GuardMeta[];
}

const paths = (raw: unknown): string[] =>
  Array.isArray(raw)
    ? raw.flat().filter((p): p is string => typeof p === 'string')
    : typeof raw === 'string'
      ? [raw]
      : [];

const join = (prefix: string, path: string) =>
  path === '/' ? prefix || '/' : `${prefix === '/' ? '' : prefix}${path}`;

/** A concrete path the template matches (each `:name` filled in), to replay the router's matching. */
const sample = (template: string) => template.replace(/:(\w+)/g, '_$1_');

const matches = (layer: LayerLike, path: string): MatchResult | undefined => {
  // use() without a path: the router lets it see every request
  if (layer.slash) return { path: '' };
  for (const m of layer.matchers ?? []) {
    const r = m(path);
    if (r) return r;
  }
  return undefined;
};

/**
 * The guards a request for `method path` meets before `target` handles it, in the router's order:
 * mounted middleware whose prefix matches, routes for the same path that only guard, and the
 * target's own handlers before its last one.
 */
function guardsOnTheWay(
  stack: LayerLike[],
  path: string,
  method: string,
  target: RouteLike,
  acc: GuardMeta[],
): GuardMeta[] | undefined {
  for (const layer of stack) {
    const m = matches(layer, path);
    if (!m) continue;
    if (layer.route) {
      const own = layer.route.stack.map((l) => guardOf(l.handle)).filter((g) => g !== undefined);
      if (layer.route === target) return [...acc, ...own];
      const lower = method.toLowerCase();
      if (layer.route.methods[lower] || layer.route.methods._all) acc = [...acc, ...own];
      continue;
    }
    if (layer.handle?.stack) {
      const rest = path.slice(m.path.length) || '/';
      const found = guardsOnTheWay(
        layer.handle.stack,
        rest.startsWith('/') ? rest : `/${rest}`,
        method,
        target,
        acc,
      );
      if (found) return found;
      continue;
    }
    const g = guardOf(layer.handle);
    if (g) acc = [...acc, g];
  }
  return undefined;
}

/** Every route of the app with its contract (undefined when it has none) and guards. */
export function endpointsOf(app: Express): Endpoint[] {
  const root = (app as unknown as { router: { stack: LayerLike[] } }).router.stack;
  const out = new Map<string, Endpoint>();
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack;
        const contract = contractOf(handlers[handlers.length - 1]?.handle);
        for (const p of paths(layer.route.path))
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (!on || m === '_all') continue;
            const method = m.toUpperCase();
            const path = join(prefix, p);
            const key = `${method} ${path}`;
            // a route that only guards (app.post(path, limiter)) is superseded by the one that answers
            if (out.get(key)?.contract && !contract) continue;
            const guards = guardsOnTheWay(root, sample(path), method, layer.route, []) ?? [];
            out.set(key, { method, path, contract, guards });
          }
      } else if (layer.handle?.stack) {
        const mounts = paths(layer.rawPath);
        for (const p of mounts.length ? mounts : ['/']) walk(layer.handle.stack, join(prefix, p));
      }
    }
  };
  walk(root, '');
  return [...out.values()];
}

// ---- access ---------------------------------------------------------------------------------------

interface Access {
  permissions: Permission[];
  roles: Role[];
  employee: boolean;
  /** only a person (an employee signed in with DingTalk), not a local account or the operator key */
  person: boolean;
  companyWide: boolean;
  rateLimited: boolean;
}

const READS = new Set(['GET', 'HEAD']);

function accessOf(method: string, guards: GuardMeta[]): Access {
  const perms: Permission[] = [];
  let employee = false;
  let rateLimited = false;
  for (const g of guards) {
    if (g.kind === 'permission') {
      const p = (READS.has(method) ? g.read : g.write) as Permission;
      if (!perms.includes(p)) perms.push(p);
    } else if (g.kind === 'employee') employee = true;
    else rateLimited = true;
  }
  let roles: Role[] = employee ? ['employee', 'manager', 'hr', 'admin'] : [...allRoles];
  let person = employee;
  let companyWide = false;
  for (const p of perms) {
    const def: { roles: readonly Role[]; person?: boolean; companyWide?: boolean } = permissions[p];
    roles = roles.filter((r) => def.roles.includes(r));
    person ||= Boolean(def.person);
    companyWide ||= Boolean(def.companyWide);
  }
  return { permissions: perms, roles, employee, person, companyWide, rateLimited };
}

function accessText(a: Access, contract: AnyContract): string {
  if (a.permissions.length) {
    const scoped = a.permissions.map((p) => `\`${p}\` (${permissions[p].scope} scope)`).join(' and ');
    return (
      `Requires permission ${scoped}: roles ${a.roles.join(', ') || 'none'}` +
      (a.person ? '; only a person signed in with DingTalk (not a local account or the operator key)' : '') +
      (a.companyWide ? '; only with a company-wide scope' : '') +
      '.'
    );
  }
  if (a.employee) return 'Requires a signed-in employee (employee token or DingTalk staff session).';
  if (contract.access === 'signed-in') return 'Requires any signed-in caller.';
  return 'Public: no sign-in needed.';
}

function securityOf(
  method: string,
  a: Access,
  contract: AnyContract,
): Record<string, string[]>[] | undefined {
  const session: Record<string, string[]> = READS.has(method)
    ? { staffSession: [] }
    : { staffSession: [], csrfToken: [] };
  if (a.employee) return [{ employeeToken: [] }, session];
  if (a.permissions.length) {
    // the operator key is a company-wide admin and HR, but not a person
    const operator = !a.person && a.roles.some((r) => r === 'admin' || r === 'hr');
    return operator ? [session, { operatorKey: [] }] : [session];
  }
  if (contract.access === 'signed-in') return [session, { employeeToken: [] }, { operatorKey: [] }];
  return undefined;
}

// ---- the document ---------------------------------------------------------------------------------

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const operationId = (method: string, path: string) =>
  `${method.toLowerCase()}${path
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `By_${s.slice(1)}` : s))
    .map((s) =>
      s.replace(/[^\w]+(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    )
    .join('')}`;

function tagOf(path: string): string {
  const s = path.split('/').filter(Boolean);
  if (s[0] !== 'api') return 'pages and probes';
  if (s[1] === 'ra') return `ra/${s[2] ?? ''}`;
  return s[1] ?? 'api';
}

function parametersOf(where: 'path' | 'query', schema: z.ZodType | undefined, template: string) {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  if (schema) {
    const js = jsonSchemaOf(schema);
    const props = (js.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((js.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      seen.add(name);
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        // simple-rest's sort/range/filter are JSON in the query string
        ...(rest['x-json']
          ? { content: { 'application/json': { schema: rest['x-json'] } } }
          : { schema: rest }),
      });
    }
  }
  if (where === 'path')
    for (const [, name] of template.matchAll(/:(\w+)/g))
      if (name && !seen.has(name)) out.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  return out;
}

/** The refusals of one status, once per set of codes in components.responses, referenced by operations. */
type Refusals = Map<string, unknown>;

function problemResponses(codes: ErrorCode[], shared: Refusals): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) {
    const s = problemStatus[c];
    byStatus.set(s, [...new Set([...(byStatus.get(s) ?? []), c])]);
  }
  const out: Record<string, unknown> = {};
  for (const [status, cs] of [...byStatus].sort(([a], [b]) => a - b)) {
    const name = `${status}_${[...cs].sort().join('_')}`;
    shared.set(name, {
      description: `${status >= 500 ? 'Failed' : 'Refused'}: ${cs.join(', ')}`,
      // a 503 (a dependency outage, or a busy process refusing submissions) says when to send again
      ...(status === 503
        ? {
            headers: {
              'Retry-After': {
                description: 'seconds to wait before sending the same request again',
                schema: { type: 'integer', minimum: 0 },
              },
            },
          }
        : {}),
      content: {
        'application/problem+json': {
          schema: {
            allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { code: { enum: cs } } }],
          },
        },
      },
    });
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

/** A success answer: JSON with its schema, a file (binary), a text or page, or no body. */
function responseOf(r: ResponseSpec) {
  const types =
    r.contentType === undefined ? ['application/json'] : r.contentType === null ? [] : r.contentType;
  const bodyOf = (type: string) =>
    /[/+]json$/.test(type)
      ? r.schema
        ? jsonSchemaOf(r.schema)
        : {}
      : /^text\/|javascript/.test(type)
        ? { type: 'string' }
        : { type: 'string', format: 'binary' };
  return {
    description: r.description,
    ...(r.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(r.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(typeof types === 'string'
      ? { content: { [types]: { schema: bodyOf(types) } } }
      : types.length
        ? { content: Object.fromEntries(types.map((t) => [t, { schema: bodyOf(t) }])) }
        : {}),
  };
}

function operationOf(e: Endpoint & { contract: AnyContract }, shared: Refusals) {
  const c = e.contract;
  const a = accessOf(e.method, e.guards);
  const codes: ErrorCode[] = [];
  const input = Boolean(c.params || c.query || c.body);
  if (input) codes.push('validation_failed');
  if (c.body) codes.push('bad_json', 'payload_too_large', 'unsupported_media_type');
  if (c.rawBody) codes.push('payload_too_large');
  if (a.permissions.length || a.employee || c.access === 'signed-in') codes.push('unauthenticated');
  if (a.permissions.length || a.employee) codes.push('forbidden');
  if (e.path.startsWith('/api/') && !READS.has(e.method) && securityOf(e.method, a, c))
    codes.push('csrf_failed');
  if (/:\w+/.test(e.path)) codes.push('not_found');
  if (a.rateLimited) codes.push('rate_limited');
  codes.push(...(c.errors ?? []), 'unavailable', 'internal');

  const success = Object.fromEntries(
    [c.response, ...(c.otherResponses ?? [])].map((r) => [String(r.status ?? 200), responseOf(r)]),
  );
  const security = securityOf(e.method, a, c);
  const access = accessText(a, c);
  return {
    operationId: operationId(e.method, e.path),
    summary: c.summary,
    description: [c.description, `**Access.** ${access}`].filter(Boolean).join('\n\n'),
    tags: [c.tag ?? tagOf(e.path)],
    'x-permissions': a.permissions,
    'x-roles': a.permissions.length || a.employee ? a.roles : [],
    ...(security ? { security } : { security: [] }),
    parameters: [...parametersOf('path', c.params, e.path), ...parametersOf('query', c.query, e.path)],
    ...(c.body
      ? {
          requestBody: {
            required: !c.bodyOptional,
            content: { 'application/json': { schema: jsonSchemaOf(c.body) } },
          },
        }
      : c.rawBody
        ? {
            requestBody: {
              required: true,
              description: c.rawBody.description,
              content: Object.fromEntries(c.rawBody.types.map((t) => [t, { schema: { type: 'string' } }])),
            },
          }
        : {}),
    // a status the route documents itself (a probe's 503 in its own shape) is not a problem+json refusal
    responses: { ...problemResponses(codes, shared), ...success },
  };
}

const components = {
  securitySchemes: {
    staffSession: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description:
        'The admin console session, set by POST /api/auth/login (local account) or the DingTalk sign-in routes. State-changing requests also need the CSRF header.',
    },
    csrfToken: {
      type: 'apiKey',
      in: 'header',
      name: CSRF_HEADER,
      description:
        'Double-submit CSRF token: the value of the hc_csrf cookie, on every state-changing request made with the session cookie.',
    },
    employeeToken: {
      type: 'http',
      scheme: 'bearer',
      description:
        "An employee's own token from POST /api/auth/dingtalk or /api/auth/link: only that employee's check-in, never staff powers.",
    },
    operatorKey: {
      type: 'apiKey',
      in: 'header',
      name: 'x-admin-token',
      description:
        'The operator key (ADMIN_TOKEN) for scripts and integrations: company-wide admin and HR, not a person.',
    },
  },
  schemas: {
    IssueCode: {
      type: 'string',
      enum: issueCodes,
      description: 'domain/issue-codes.ts; the UIs translate issue.<code>',
    },
    FieldIssue: {
      type: 'object',
      required: ['field', 'message'],
      properties: {
        field: { type: 'string', description: 'the field path, dot-separated, or body/query/path' },
        message: { type: 'string', description: 'English (or the request language for form rules)' },
        code: {
          anyOf: [
            { $ref: '#/components/schemas/IssueCode' },
            { type: 'string', description: "a form rule's own code" },
          ],
        },
        params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
      },
    },
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details, application/problem+json',
      required: ['type', 'title', 'status', 'code', 'requestId'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string', description: 'what went wrong, in English' },
        status: { type: 'integer' },
        code: { type: 'string', enum: Object.keys(problemStatus) },
        requestId: {
          type: 'string',
          description: 'the x-request-id of the request (quote it in support requests)',
        },
        params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
        errors: { type: 'array', items: { $ref: '#/components/schemas/FieldIssue' } },
      },
    },
  },
};

export interface DocumentInfo {
  version: string;
  serverUrl?: string;
}

/** The document for every route that has a contract (routes without one are left out: see endpointsOf). */
export function openApiDocument(app: Express, info: DocumentInfo): Record<string, unknown> {
  const pathsOut: Record<string, Record<string, unknown>> = {};
  const shared: Refusals = new Map();
  for (const e of endpointsOf(app)) {
    if (!e.contract) continue;
    const p = openApiPath(e.path);
    (pathsOut[p] ??= {})[e.method.toLowerCase()] = operationOf({ ...e, contract: e.contract }, shared);
  }
  const sorted = Object.fromEntries(Object.entries(pathsOut).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'health-checkin API',
      version: info.version,
      description:
        'Generated from the zod schemas the routes validate with. Refusals are application/problem+json with a stable `code`; field issues carry an IssueCode. Access per operation: `x-permissions` and `x-roles`, and the security requirements. See docs/api.md.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths: sorted,
    components: {
      ...components,
      responses: Object.fromEntries([...shared].sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/** `sort`, `range`, `filter` of a simple-rest list: JSON values in the query string. */
export const jsonQueryParam = (schema: z.ZodType, description: string) =>
  z
    .string()
    .optional()
    .meta({ description, 'x-json': jsonSchemaOf(schema) });
