// A route's contract, declared once where the route validates its input: `endpoint(contract, fn)`
// parses the path parameters, query and body with the contract's zod schemas before the handler
// runs, and keeps the contract on the handler so /api/openapi.json is generated from the very
// schemas that validate (api/http/openapi.ts reads them off the router). A route cannot document
// one schema and check another, and a route without a contract is missing from the document, which
// test/integration/openapi.test.ts refuses.
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from './errors.ts';
import { parse, route } from './middleware.ts';

export interface ResponseSpec {
  /** 200 when omitted */
  status?: number;
  description: string;
  /** the answer's shape, when it has a zod schema (the document says `any JSON` otherwise) */
  schema?: z.ZodType;
  /** application/json when omitted; null for an answer without a body (204, a redirect) */
  contentType?: string | null;
  /** response headers worth knowing (name → description) */
  headers?: Readonly<Record<string, string>>;
}

export interface Contract<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
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
  response: ResponseSpec;
  /** refusals this route adds to the ones every route has (validation, sign-in, permission) */
  errors?: readonly ErrorCode[];
  /** who may call it when no guard middleware says (the handler checks itself) */
  access?: 'public' | 'signed-in';
}

/** The contract as the document generator reads it (schemas type-erased). */
export type AnyContract = Contract<z.ZodType, z.ZodType, z.ZodType>;

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
>(
  contract: Contract<P, Q, B>,
  fn: (req: Request, res: Response, input: ParsedInput<P, Q, B>) => Promise<void> | void,
): RequestHandler {
  const handler = route((req, res) => {
    if (checkingResponses && contract.response.schema) checkResponse(req, res, contract.response.schema);
    const input = {
      params: contract.params ? parse(contract.params, req.params, 'path') : undefined,
      query: contract.query ? parse(contract.query, req.query, 'query') : undefined,
      body: contract.body
        ? parse(contract.body, contract.readBody ? contract.readBody(req) : req.body, 'body')
        : undefined,
    } as ParsedInput<P, Q, B>;
    return fn(req, res, input);
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

function checkResponse(req: Request, res: Response, schema: z.ZodType) {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode < 300) {
      // as the client reads it: dates as strings, undefined fields gone
      const r = schema.safeParse(body === undefined ? undefined : JSON.parse(JSON.stringify(body)));
      if (!r.success)
        throw new Error(
          `${req.method} ${req.originalUrl}: the answer does not match its contract: ${r.error.message}`,
        );
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
