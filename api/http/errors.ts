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
