// A route's contract, declared once where the route validates its input: `endpoint(contract, fn)`
// parses the path parameters, query and body with the contract's zod schemas before the handler
// runs, and keeps the contract on the handler so /api/openapi.json is generated from the very
// schemas that validate (api/http/openapi.ts reads them off the router). A route cannot document
// one schema and check another, and a route without a contract is missing from the document, which
// test/integration/openapi.test.ts refuses.
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { ErrorCode } from './errors.ts';
import { parse, route } from './middleware.ts';
import type { Sent } from './response-schemas.ts';

export interface ResponseSpec<R extends z.ZodType = z.ZodType> {
  /** 200 when omitted */
  status?: number;
  description: string;
  /**
   * the JSON answer's shape (response-schemas.ts has the shared pieces): the document's schema, the
   * type the handler's res.json takes, and what tests check every answer against. A file or a page
   * has none: its contentType says what it is.
   */
  schema?: R;
  /**
   * application/json when omitted; null for an answer without a body (204, a redirect); a file's
   * media types (one answer may be one of several, e.g. Excel or PDF), documented as binary
   */
  contentType?: string | readonly string[] | null;
  /** response headers worth knowing (name → description) */
  headers?: Readonly<Record<string, string>>;
}

export interface Contract<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  summary: string;
  description?: string;
  /** the reference page's section; derived from the path when omitted */
  tag?: string;
  /** path parameters (`:id` → `{id}`), parsed from req.params */
  params?: P;
  /** query string, parsed from req.query */
  query?: Q;
  /** request body, parsed from req.body (or what `readBody` takes from the request) */
  body?: B;
  /** a body that is no JSON the route parses with a schema (an image, a CSV file): its media types */
  rawBody?: { types: readonly string[]; description: string };
  /** the body is optional (an empty request means the defaults) */
  bodyOptional?: boolean;
  /** what of the request the body schema checks, when not req.body as sent */
  readBody?: (req: Request) => unknown;
  response: ResponseSpec<R>;
  /** other success answers of the route (a file streamed back, or 202 and a job to poll) */
  otherResponses?: readonly ResponseSpec[];
  /** refusals this route adds to the ones every route has (validation, sign-in, permission) */
  errors?: readonly ErrorCode[];
  /** who may call it when no guard middleware says (the handler checks itself) */
  access?: 'public' | 'signed-in';
}

/** The contract as the document generator reads it (schemas type-erased). */
export type AnyContract = Contract<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

export interface ParsedInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
}

const CONTRACT = Symbol('contract');

/** A handler validating its input against `contract` and carrying it for the OpenAPI document. */
export function endpoint<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(
  contract: Contract<P, Q, B, R>,
  fn: (req: Request, res: Response<Sent<R>>, input: ParsedInput<P, Q, B>) => Promise<void> | void,
): RequestHandler {
  const handler = route((req, res) => {
    checkedAgainst([contract.response, ...(contract.otherResponses ?? [])], req, res);
    const input = {
      params: contract.params ? parse(contract.params, req.params, 'path') : undefined,
      query: contract.query ? parse(contract.query, req.query, 'query') : undefined,
      body: contract.body
        ? parse(contract.body, contract.readBody ? contract.readBody(req) : req.body, 'body')
        : undefined,
    } as ParsedInput<P, Q, B>;
    // the same response, its json() typed by the contract's answer
    return fn(req, res as Response<Sent<R>>, input);
  });
  return documented(contract, handler);
}

let checkingResponses = false;

/**
 * Tests turn this on (test/helpers/context.ts): every JSON success answer of a route whose contract
 * names a response schema is checked against it, and one that does not match fails the request
 * (500, logged), so the documented answer cannot drift from what the route sends either.
 */
export function checkResponsesAgainstContracts(on: boolean) {
  checkingResponses = on;
}

/** Every answer that did not match its contract while checking was on (the test context reports them). */
export const responseDrift: string[] = [];

/**
 * While checking is on, wraps res.json so a success answer is parsed first with the schema of the
 * documented response of its status (routes built without endpoint(), like simple-rest's list,
 * call this themselves); a JSON success answer with a status the contract does not name is drift
 * too. Off, it does nothing: production answers are never parsed.
 */
export function checkedAgainst(specs: readonly ResponseSpec[], req: Request, res: Response) {
  if (!checkingResponses || !specs.some((s) => s.schema)) return;
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode < 300) {
      const spec = specs.find((s) => (s.status ?? 200) === res.statusCode);
      // as the client reads it: dates as strings, undefined fields gone
      const r = spec?.schema?.safeParse(body === undefined ? undefined : JSON.parse(JSON.stringify(body)));
      if (!spec || (r && !r.success)) {
        const drift = `${req.method} ${req.originalUrl}: the ${res.statusCode} answer does not match its contract: ${
          r && !r.success ? z.prettifyError(r.error) : 'no response of this status is documented'
        }`;
        responseDrift.push(drift);
        throw new Error(drift);
      }
    }
    return send(body);
  };
}

/**
 * Attaches a contract to a handler that validates by itself (the simple-rest list contract, the
 * HTML pages): the schemas given must be the ones the handler parses with.
 */
export function documented<H extends RequestHandler>(contract: AnyContract | Contract, handler: H): H {
  return Object.assign(handler, { [CONTRACT]: contract });
}

export function contractOf(handler: unknown): AnyContract | undefined {
  return typeof handler === 'function'
    ? ((handler as { [CONTRACT]?: AnyContract })[CONTRACT] ?? undefined)
    : undefined;
}

/** What a guard middleware demands, read by the document generator (see permissions.ts). */
export type GuardMeta =
  | { kind: 'permission'; read: string; write: string }
  | { kind: 'employee' }
  | { kind: 'rate-limit'; name: string };

const GUARD = Symbol('guard');

export function guard<H extends RequestHandler>(meta: GuardMeta, handler: H): H {
  return Object.assign(handler, { [GUARD]: meta });
}

export function guardOf(handler: unknown): GuardMeta | undefined {
  return typeof handler === 'function' ? (handler as { [GUARD]?: GuardMeta })[GUARD] : undefined;
}
