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
    exposedHeaders: ['Content-Range', 'x-request-id'],
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
        next(new AppError('rate_limited', 429, 'Too many requests, slow down and try again shortly'));
      },
    }),
  );
}
