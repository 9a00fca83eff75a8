// Request ids, per-request loggers, zod validation and the one error handler.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../../config/logger.ts';
import { AppError, dependencyOutage, OUTAGE_RETRY_AFTER_SECONDS, type FieldIssue } from './errors.ts';
import { assertCleanText } from './input-rules.ts';
import { routeTemplate } from '../../platform/metrics.ts';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      req.log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - start) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  // the edge rule again, for values a route assembles itself (route-level parsers, path params)
  assertCleanText(value, where);
  const r = schema.safeParse(value);
  if (!r.success) throw AppError.validation(r.error, where);
  return r.data;
}

/** Express 5 forwards rejected promises to the error handler; this only narrows the types. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler =>
  (req, res, next: NextFunction) => {
    // the route template for the metrics and the trace: once an error reaches the app's handler
    // the router has reset req.baseUrl
    res.locals.routeTemplate = routeTemplate(req, 200);
    Promise.resolve(fn(req, res)).catch(next);
  };

function localize(fields: FieldIssue[], lang: string): FieldIssue[] {
  return fields.map((f) =>
    f.messages ? { ...f, message: lang === 'en' ? f.messages.en : f.messages.zh } : f,
  );
}

/** body-parser's and the router's own 4xx errors (http-errors), e.g. a bad charset or path. */
const clientError = (raw: { status?: number; expose?: boolean }) =>
  typeof raw.status === 'number' && raw.status >= 400 && raw.status < 500 && raw.expose !== false;

/** Names what was wrong without echoing the parser's internals. */
function unreadableRequest(raw: { status?: number; type?: string; charset?: string }): AppError {
  if (raw.type === 'charset.unsupported')
    return new AppError(
      'unsupported_media_type',
      415,
      `Unsupported charset${raw.charset ? ` "${raw.charset}"` : ''}: send UTF-8`,
    );
  if (raw.type === 'encoding.unsupported')
    return new AppError(
      'unsupported_media_type',
      415,
      'Unsupported Content-Encoding: send gzip, deflate, br or none',
    );
  if (raw.status === 415) return new AppError('unsupported_media_type', 415, 'Unsupported content type');
  if (raw.type === 'request.aborted')
    return new AppError('bad_request', 400, 'The request body was cut short');
  if (raw.type === 'request.size.invalid')
    return new AppError('bad_request', 400, 'The request body does not match its Content-Length');
  if (raw.status === 400 && raw.type === undefined && /decode param/i.test(String((raw as Error).message)))
    return new AppError('bad_request', 400, 'The URL path has malformed percent-encoding');
  if (raw.status === 400)
    return new AppError(
      'bad_request',
      400,
      'The request body cannot be read (does it match its Content-Encoding?)',
    );
  return new AppError('bad_request', 400, 'The request cannot be read');
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let e: AppError;
  let outage: AppError | undefined;
  const raw = err as { type?: string; status?: number };
  if (err instanceof AppError) e = err;
  else if (raw.type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    const kb = limit ? ` ${Math.round(limit / 1024)} KB` : '';
    e = new AppError('payload_too_large', 413, `Request body exceeds the limit${kb}`);
  } else if (raw.type === 'entity.parse.failed')
    e = new AppError('bad_json', 400, 'Request body is not valid JSON');
  else if (clientError(raw)) e = unreadableRequest(raw);
  else if ((err as { code?: string }).code === '23503') {
    // A foreign key points nowhere: the client named a record that does not exist.
    e = new AppError('validation_failed', 400, 'A referenced record does not exist', [
      {
        field: (err as { constraint?: string }).constraint ?? 'reference',
        message: 'no such record',
        code: 'no_such_record',
      },
    ]);
  } else if ((outage = dependencyOutage(err))) {
    req.log.warn({ err }, 'dependency unavailable');
    e = outage;
  } else {
    req.log.error({ err }, 'unhandled error');
    e = new AppError('internal', 500, 'Internal error');
  }
  const retryAfter =
    e.retryAfterSeconds ?? (e.code === 'unavailable' ? OUTAGE_RETRY_AFTER_SECONDS : undefined);
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  // for the submission counter (platform/metrics.ts): why a submission was refused
  res.locals.problemCode = e.code;
  res.locals.problemIssue = e.fields?.[0]?.code ?? '';
  // a busy process refusing a submission is working as intended (the request line and
  // hc_submissions_total say it): no error line with a stack for each of a flood of them
  if (e.status >= 500 && err instanceof AppError && e.code !== 'overloaded')
    req.log.error({ err }, e.message);
  res
    .status(e.status)
    .type('application/problem+json')
    .json({
      type: `https://health-checkin.local/problems/${e.code}`,
      title: e.message,
      status: e.status,
      code: e.code,
      requestId: req.id,
      ...(e.params ? { params: e.params } : {}),
      ...(e.fields ? { errors: localize(e.fields, req.acceptsLanguages('zh', 'zh-CN', 'en') || 'zh') } : {}),
    });
};
