// The rules every request's text obeys before any route sees it: the path decodes, and no string
// in the path, query or body carries NUL or another control character (Postgres refuses U+0000 in
// text and jsonb, so such a value would fail after the work it belongs to had half happened), and
// no body nests deeper than any form needs.
import type { RequestHandler } from 'express';
import type { IssueCode, IssueParams } from '../../domain/issue-codes.ts';
import { AppError } from './errors.ts';

/** C0 controls except tab, line feed and carriage return, plus DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const MAX_DEPTH = 32;

const refuse = (field: string, message: string, code: IssueCode, params?: IssueParams) =>
  new AppError('validation_failed', 400, 'The request has invalid fields', [
    { field, message, code, ...(params ? { params } : {}) },
  ]);

/** Throws a 400 naming the first string (or key) in `value` that breaks the rules. */
export function assertCleanText(value: unknown, where: string, depth = 0): void {
  if (typeof value === 'string') {
    if (CONTROL.test(value))
      throw refuse(where, 'control characters (such as U+0000) are not allowed', 'control_characters');
    return;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  if (depth >= MAX_DEPTH)
    throw refuse(where, `nested more than ${MAX_DEPTH} levels deep`, 'nested_too_deep', { depth: MAX_DEPTH });
  for (const [k, v] of Object.entries(value)) {
    const field = `${where}.${k}`;
    if (CONTROL.test(k))
      throw refuse(where, 'control characters are not allowed in field names', 'control_characters');
    assertCleanText(v, field, depth + 1);
  }
}

/** The decoded path, or a 400 when its percent-encoding is malformed. */
export function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new AppError('bad_request', 400, 'The URL path has malformed percent-encoding');
  }
}

/** Path and query: before routing, so no route (nor the Temporal codec) sees such a request. */
export const cleanRequestLine = (): RequestHandler => (req, _res, next) => {
  try {
    assertCleanText(decodedPath(req.path), 'path');
    assertCleanText(req.query, 'query');
    next();
  } catch (err) {
    next(err);
  }
};

/** The parsed body: after each body parser. */
export const cleanBody = (): RequestHandler => (req, _res, next) => {
  try {
    assertCleanText(req.body, 'body');
    next();
  } catch (err) {
    next(err);
  }
};

/** API answers may carry health data or who-may-see-what: never kept by a browser or proxy cache. */
export const noStore = (): RequestHandler => (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};
