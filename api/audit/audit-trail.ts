// Writes one audit row per state change, per read of someone's health answers, per export and per
// (failed) sign-in. The row is written when the handler ends its response and before the answer
// leaves: if it cannot be written the caller gets a 500 instead of the answer, so nothing is
// disclosed or confirmed without a trace. A write that must not outlive a missing row (代填) writes
// it inside its own transaction with writeAuditIn.
import type { Request, RequestHandler, Response } from 'express';
import type { Transaction } from 'kysely';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { insertAudit, type AuditEntry } from '../../db/repositories/audit.ts';
import { dependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from '../http/errors.ts';

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
    /** set once the route wrote the row itself (in its transaction) */
    auditWritten?: boolean;
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

/** At most this many subjects are named on one audit row (a list page holds up to 100 rows). */
const MAX_SUBJECTS = 1000;

/**
 * Names the people whose health answers this read disclosed (the audit row's `detail.subjects`):
 * each employee's "who read my answers" finds the row by them.
 */
export const noteSubject = (req: Request, employeeId: number) => {
  if (!req.audit) return;
  const detail = (req.audit.detail ??= {});
  const subjects = (detail.subjects as number[] | undefined) ?? [];
  if (!subjects.includes(employeeId) && subjects.length < MAX_SUBJECTS) subjects.push(employeeId);
  detail.subjects = subjects;
};

export const noteAudit = (req: Request, note: Partial<AuditNote>) => {
  req.audit = { action: req.audit?.action ?? defaultAction(req), ...req.audit, ...note };
};

/** e.g. "PUT /api/ra/employees/12": the path names the target when a route adds no note */
const defaultAction = (req: Request) => `${req.method} ${req.originalUrl.split('?')[0] ?? ''}`;

const isDenied = (status: number) => status === 401 || status === 403;

/** The row for this request with the given status, or null when the request is not audited. */
function entryFor(req: Request, status: number): AuditEntry | null {
  if (req.auditWritten) return null;
  if (SAFE.has(req.method) && !req.audit && !isDenied(status)) return null;
  if (isOwnSessionProbe(req, status)) return null;
  const note = req.audit;
  const p = req.principal;
  return {
    actor: p?.actor ?? note?.actor ?? 'anonymous',
    actorRoles: p?.roles ?? [],
    action: note?.action ?? defaultAction(req),
    targetType: note?.targetType ?? null,
    targetId: note?.targetId !== undefined ? String(note.targetId) : null,
    outcome: status < 400 ? 'success' : isDenied(status) ? 'denied' : 'failure',
    status,
    ip: req.ip ?? null,
    userAgent: req.header('user-agent') ?? null,
    requestId: req.id,
    detail: note?.detail ?? null,
  };
}

/**
 * The request's row as it stands now, for a route that writes it with its change (a submission,
 * which the group commit may store with others'); null when the request is not audited.
 */
export const auditEntryFor = (req: Request, status: number): AuditEntry | null => entryFor(req, status);

/**
 * Writes the request's row in `trx` (the route's own transaction) so the change and its trace
 * commit together; the route sets `req.auditWritten` once that transaction committed.
 */
export async function writeAuditIn(trx: Transaction<Database>, req: Request, status: number): Promise<void> {
  const entry = entryFor(req, status);
  if (entry) await insertAudit(trx, entry);
}

const AUDIT_FAILED = JSON.stringify({
  type: 'https://health-checkin.local/problems/internal',
  title: 'The action could not be recorded in the audit log; its answer is withheld',
  status: 500,
  code: 'internal',
});

const AUDIT_UNAVAILABLE = JSON.stringify({
  type: 'https://health-checkin.local/problems/unavailable',
  title: 'The audit log cannot be written now (database unreachable); try again shortly',
  status: 503,
  code: 'unavailable',
});

export function auditTrail(db: DB, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let ending = false;
    res.end = ((...args: unknown[]) => {
      if (ending) return end(...args);
      ending = true;
      const entry = entryFor(req, res.statusCode);
      if (!entry) return end(...args);
      const failed = (err: unknown) =>
        logger.error({ err, requestId: req.id, action: entry.action }, 'audit write failed');
      if (res.headersSent) {
        // a streamed answer (a file download) is already on its way: record it as it finishes
        insertAudit(db, entry).catch(failed);
        return end(...args);
      }
      insertAudit(db, entry).then(
        () => end(...args),
        (err: unknown) => {
          failed(err);
          // a refused or failed request changed nothing: its own answer (e.g. 503 while Postgres is
          // down) stays; only a success is withheld when its trace cannot be written
          if (res.statusCode >= 400) return end(...args);
          res.removeHeader('content-length');
          res.removeHeader('content-disposition');
          res.setHeader('content-type', 'application/problem+json');
          // Postgres unreachable: 503, so a client resends (a submission replays under its key
          // and gets its audit row then) instead of taking a stored check-in for a bug.
          if (dependencyOutage(err)) {
            res.statusCode = 503;
            res.setHeader('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
            return end(AUDIT_UNAVAILABLE);
          }
          res.statusCode = 500;
          end(AUDIT_FAILED);
        },
      );
      return res;
    }) as Response['end'];
    next();
  };
}
