// Writes one audit row per state change, per read of someone's health answers, per export and per
// (failed) sign-in, after the response is known so the outcome is the real one.
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import { insertAudit } from '../../db/repositories/audit.ts';

export interface AuditNote {
  action: string;
  targetType?: string;
  targetId?: string | number;
  detail?: Record<string, unknown>;
  /** who, when no principal is signed in yet (a sign-in attempt names the account) */
  actor?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    audit?: AuditNote;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The admin UI asks "am I signed in?" on every load before the login page; its 401 is how a
 * sign-in starts, not a security event (12 sign-ins left 39 such rows).
 */
const isOwnSessionProbe = (req: Request, status: number) =>
  status === 401 && SAFE.has(req.method) && req.originalUrl.split('?')[0] === '/api/auth/me';

/** Marks a read route as one that discloses health answers (GETs are otherwise not audited). */
export const auditRead =
  (action: string, targetType: string): RequestHandler =>
  (req, _res, next) => {
    const id = req.params.id;
    req.audit = { action, targetType, ...(id ? { targetId: String(id) } : {}) };
    next();
  };

export const noteAudit = (req: Request, note: Partial<AuditNote>) => {
  req.audit = { action: req.audit?.action ?? defaultAction(req), ...req.audit, ...note };
};

/** e.g. "PUT /api/ra/employees/12": the path names the target when a route adds no note */
const defaultAction = (req: Request) => `${req.method} ${req.originalUrl.split('?')[0] ?? ''}`;

export function auditTrail(db: DB, logger: Logger): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const denied = res.statusCode === 401 || res.statusCode === 403;
      if (SAFE.has(req.method) && !req.audit && !denied) return;
      if (isOwnSessionProbe(req, res.statusCode)) return;
      const note = req.audit;
      const p = req.principal;
      const entry = {
        actor: p?.actor ?? note?.actor ?? 'anonymous',
        actorRoles: p?.roles ?? [],
        action: note?.action ?? defaultAction(req),
        targetType: note?.targetType ?? null,
        targetId: note?.targetId !== undefined ? String(note.targetId) : null,
        outcome:
          res.statusCode < 400 ? ('success' as const) : denied ? ('denied' as const) : ('failure' as const),
        status: res.statusCode,
        ip: req.ip ?? null,
        userAgent: req.header('user-agent') ?? null,
        requestId: req.id,
        detail: note?.detail ?? null,
      };
      insertAudit(db, entry).catch((err: unknown) => {
        logger.error({ err, requestId: req.id, action: entry.action }, 'audit write failed');
      });
    });
    next();
  };
}
