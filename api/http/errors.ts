// Domain errors with a stable code and HTTP status, rendered as application/problem+json.
import type { ZodError } from 'zod';
import type { IssueCode, IssueParams } from '../../domain/issue-codes.ts';
import { wallTimeAt } from '../../domain/zoned-time.ts';

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
  | 'already_submitted'
  | 'payload_too_large'
  | 'bad_json'
  | 'csrf_failed'
  | 'rate_limited'
  | 'unavailable'
  | 'overloaded'
  | 'idempotency_key_reused'
  | 'consent_required'
  | 'photo_removed'
  | 'internal';

export interface FieldIssue {
  field: string;
  /** English, for API clients and logs; the UIs say `code` in the person's language */
  message: string;
  /** an IssueCode (the UI packs' issue.<code>), or a form rule's own code with `messages` */
  code?: IssueCode | (string & {});
  /** the values the translated text names (a minimum, a date, a chain of departments) */
  params?: IssueParams;
  /** both languages; the error handler picks `message` from the request's Accept-Language */
  messages?: { zh: string; en: string };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly fields?: FieldIssue[],
    options?: { cause?: unknown; params?: IssueParams; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.params = options?.params;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** values the problem's translated title names (problem.<code> in the UI packs) */
  readonly params?: IssueParams;
  /** sent as the Retry-After header: when the client should send the same request again */
  readonly retryAfterSeconds?: number;

  static validation(err: ZodError, where = 'body'): AppError {
    const fields = err.issues.map((i) => ({
      field: i.path.length ? i.path.join('.') : where,
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
      ...issueCodeOf(i),
    }));
    return new AppError('validation_failed', 400, 'The request has invalid fields', fields);
  }
}

type ZodIssue = ZodError['issues'][number];
const list = (xs: readonly unknown[]) => xs.map(String).join(', ');

/** A zod issue as a stable code and its values: a refinement's own code, else zod's kind of issue. */
export function issueCodeOf(i: ZodIssue): { code: IssueCode; params?: IssueParams } {
  switch (i.code) {
    case 'custom': {
      const { code, ...params } = (i.params ?? {}) as { code?: IssueCode } & IssueParams;
      return code ? { code, params } : { code: 'invalid' };
    }
    case 'invalid_type':
      return i.input === undefined
        ? { code: 'required' }
        : i.expected === 'int'
          ? { code: 'not_integer' }
          : { code: 'invalid_type', params: { expected: i.expected } };
    case 'too_small':
    case 'too_big': {
      const small = i.code === 'too_small';
      const limit = Number(small ? i.minimum : (i as { maximum: number | bigint }).maximum);
      const kind =
        i.origin === 'string'
          ? small
            ? 'too_short'
            : 'too_long'
          : i.origin === 'array' || i.origin === 'set'
            ? small
              ? 'too_few'
              : 'too_many'
            : small
              ? 'too_small'
              : 'too_big';
      return { code: kind, params: { limit } };
    }
    case 'invalid_format':
      return { code: 'invalid_format', params: { format: i.format } };
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: list(i.values) } };
    case 'unrecognized_keys':
      return { code: 'unknown_fields', params: { keys: list(i.keys) } };
    default:
      return { code: 'invalid' };
  }
}

/**
 * Today's check-in can no longer be taken: the params name the work date and the last moment
 * (HH:MM on the company's clock, and as an instant) so the message can say when the window was.
 */
export const submissionWindowClosed = (workDate: string, closedAt: Date, timeZone: string) =>
  new AppError(
    'submission_window_closed',
    422,
    `The check-in window for ${workDate} closed at ${wallTimeAt(closedAt, timeZone)} (${timeZone}); late submissions are no longer accepted`,
    undefined,
    {
      params: {
        date: workDate,
        time: wallTimeAt(closedAt, timeZone),
        timeZone,
        closedAt: closedAt.toISOString(),
      },
    },
  );

/**
 * The company's privacy notice has consent as its legal basis and the person has not consented to
 * this version (never, an older one, or withdrawn): nothing is stored. The page shows the notice
 * and sends the queued submission again once the person consents.
 */
export const consentRequired = (version: number, withdrawn: boolean) =>
  new AppError(
    'consent_required',
    403,
    withdrawn
      ? `You withdrew your consent to privacy notice version ${version}; consent again before submitting`
      : `Consent to privacy notice version ${version} is required before submitting`,
    [
      {
        field: 'privacyNotice',
        code: withdrawn ? 'consent_withdrawn' : 'consent_required',
        message: withdrawn ? 'consent was withdrawn' : 'consent to the current privacy notice is required',
        params: { version },
      },
    ],
    { params: { version } },
  );

/** A second check-in the same day (only a reviewer's recheck request opens a new one). */
export const alreadySubmitted = (workDate: string, at: Date | undefined, timeZone: string) => {
  const time = at ? wallTimeAt(at, timeZone) : '—';
  return new AppError(
    'already_submitted',
    409,
    `A check-in for ${workDate} was already submitted at ${time} (${timeZone}); a new one is accepted only when the reviewer asks for a recheck; resubmit with the same idempotency key to fetch it`,
    undefined,
    { params: { date: workDate, time, timeZone } },
  );
};

/**
 * A photo a record still names whose image the retention policy removed: gone for good (410), said
 * plainly instead of a broken image or an error.
 */
export const photoRemoved = () =>
  new AppError(
    'photo_removed',
    410,
    '照片已按保留策略删除 (this photo was removed under the retention policy)',
    undefined,
    { params: { reason: 'retention' } },
  );

/**
 * The API process already works on as many submissions as it may (SUBMIT_MAX_IN_FLIGHT): refused
 * at once, nothing read or stored, so the client resends the same request (same idempotency key)
 * after Retry-After instead of waiting in a queue it would give up on.
 */
export const overloaded = (retryAfterSeconds: number) =>
  new AppError(
    'overloaded',
    503,
    `服务繁忙，本次打卡未保存，请 ${retryAfterSeconds} 秒后用同一幂等键重新提交 (The service is busy: this check-in was not stored; ` +
      `send the same request again, with the same idempotencyKey, after ${retryAfterSeconds} s)`,
    undefined,
    { params: { retryAfter: retryAfterSeconds }, retryAfterSeconds },
  );

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
