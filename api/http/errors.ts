// Domain errors with a stable code and HTTP status, rendered as application/problem+json.
import type { ZodError } from 'zod';

export type ErrorCode =
  | 'validation_failed'
  | 'bad_request'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'forbidden'
  | 'review_not_yours'
  | 'not_found'
  | 'conflict'
  | 'submission_window_closed'
  | 'payload_too_large'
  | 'bad_json'
  | 'csrf_failed'
  | 'rate_limited'
  | 'unavailable'
  | 'idempotency_key_reused'
  | 'internal';

export interface FieldIssue {
  field: string;
  message: string;
  code?: string;
  /** both languages; the error handler picks `message` from the request's Accept-Language */
  messages?: { zh: string; en: string };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly fields?: FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  static validation(err: ZodError, where = 'body'): AppError {
    const fields = err.issues.map((i) => ({
      field: i.path.length ? i.path.join('.') : where,
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    }));
    return new AppError('validation_failed', 400, 'The request has invalid fields', fields);
  }
}

export const notFound = (what: string) => new AppError('not_found', 404, `${what} not found`);
export const unauthenticated = (msg = 'Sign in first') => new AppError('unauthenticated', 401, msg);
export const conflict = (msg: string) => new AppError('conflict', 409, msg);
export const forbidden = (msg = 'Not allowed') => new AppError('forbidden', 403, msg);

/** Node socket errors and Postgres SQLSTATEs that mean "cannot reach the dependency now", not "bad request". */
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown: Postgres is restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up / recovering
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08006', // connection exceptions
]);
const OUTAGE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|is not queryable|Failed to connect before the deadline/i;
/** seconds a client should wait before retrying after a dependency outage */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * A dependency outage (Postgres down or restarting, Temporal unreachable) as a 503, so clients —
 * the check-in page's offline queue above all — retry later instead of treating it as a bug.
 */
export function dependencyOutage(err: unknown): AppError | undefined {
  const seen = new Set<unknown>();
  const queue = [err];
  while (queue.length) {
    const e = queue.shift() as
      { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown } | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const grpcUnavailable = e.name === 'ServiceError' || e.name === 'ConnectionError';
    if (
      (typeof e.code === 'string' && OUTAGE_CODES.has(e.code)) ||
      grpcUnavailable ||
      (typeof e.message === 'string' && OUTAGE_MESSAGES.test(e.message))
    ) {
      return new AppError(
        'unavailable',
        503,
        'A service this request needs is unavailable; try again shortly',
        undefined,
        { cause: err },
      );
    }
    queue.push(e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : []));
  }
  return undefined;
}
