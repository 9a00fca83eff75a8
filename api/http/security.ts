// Transport-level protection: security headers, strict CORS, per-IP and per-user rate limits.
import cors from 'cors';
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import { guard } from './contract.ts';
import { AppError } from './errors.ts';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        // the admin UI and check-in page are same-origin bundles; charts draw inline styles
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * Same-origin always works; other browser origins only when listed (CORS_ORIGINS for the API, the
 * Temporal UI's origins for the payload codec), with credentials.
 */
export function strictCors(
  origins: readonly string[],
  o: { allowedHeaders?: string[]; methods?: string[] } = {},
): RequestHandler {
  return cors({
    origin: (origin, cb) => {
      cb(null, origin !== undefined && origins.includes(origin));
    },
    credentials: true,
    // Retry-After: a 503 (busy, outage) or 429 says when to send again
    exposedHeaders: ['Content-Range', 'x-request-id', 'Retry-After'],
    allowedHeaders: o.allowedHeaders ?? [
      'content-type',
      'x-csrf-token',
      'authorization',
      'x-request-id',
      'idempotency-key',
    ],
    ...(o.methods ? { methods: o.methods } : {}),
    maxAge: 600,
  });
}

const rateLimited = () =>
  new AppError('rate_limited', 429, 'Too many requests, slow down and try again shortly');

/** Fixed one-minute windows counted in memory, per API replica (as the express-rate-limit store). */
export class MinuteCounter {
  private readonly windows = new Map<string, { n: number; resetAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  private current(key: string) {
    const w = this.windows.get(key);
    if (w && w.resetAt > this.now()) return w;
    if (w) this.windows.delete(key);
    return undefined;
  }

  /** Whether `key` may go on: fewer than perMinute hits in its current window. */
  allows(key: string): boolean {
    return (this.current(key)?.n ?? 0) < this.perMinute;
  }

  hit(key: string): void {
    const w = this.current(key);
    if (w) w.n++;
    else {
      // expired windows of other keys go when the map has grown (a flood of one-off addresses)
      if (this.windows.size > 10_000) for (const k of [...this.windows.keys()]) this.current(k);
      this.windows.set(key, { n: 1, resetAt: this.now() + 60_000 });
    }
  }

  /** Counts one hit; throws the 429 when the key was already at its limit. */
  take(key: string): void {
    if (!this.allows(key)) throw rateLimited();
    this.hit(key);
  }
}

/**
 * Counts only refused credentials (401 answers: a bad, used or expired code, link or password) per
 * IP, and refuses an IP that reached `perMinute` of them: guessing is bounded, while any number of
 * people behind one address who sign in with real credentials are never counted (a 403 — a real
 * DingTalk user who is not an employee, or not staff — is not a guess and does not count either). One instance guards
 * every sign-in and exchange route, so a guesser cannot spread over them.
 */
export function authFailureLimiter(perMinute: number): RequestHandler {
  const failures = new MinuteCounter(perMinute);
  return (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? '');
    if (!failures.allows(key)) return next(rateLimited());
    res.on('finish', () => {
      if (res.statusCode === 401) failures.hit(key);
    });
    next();
  };
}

/**
 * A limiter keyed by IP (IPv6 by /56) or by a key the route derives (account, employee); the key
 * function returns undefined to fall back to the IP.
 */
export function limiter(opts: {
  perMinute: number;
  name: string;
  key?: (req: Parameters<RequestHandler>[0]) => string | undefined;
  /** requests this limiter does not count (e.g. an IP limit that only applies to anonymous callers) */
  skip?: (req: Parameters<RequestHandler>[0]) => boolean;
}): RequestHandler {
  return guard(
    { kind: 'rate-limit', name: opts.name },
    rateLimit({
      windowMs: 60_000,
      ...(opts.skip ? { skip: opts.skip } : {}),
      limit: opts.perMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => `${opts.name}:${opts.key?.(req) ?? ipKeyGenerator(req.ip ?? '')}`,
      handler: (_req, _res, next) => {
        next(rateLimited());
      },
    }),
  );
}
