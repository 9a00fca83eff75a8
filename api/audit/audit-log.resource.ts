// The audit log for the admin UI (react-admin simple-rest), read-only. Department HR reads the rows
// about their departments (0012_security_hardening); company-wide readers read them all.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { openAuditRow } from '../../db/repositories/audit.ts';
import { authorize, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { bigIdList, bigIdParam, listRoute, textFilter, type SortSpec } from '../http/simple-rest.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { auditListQuery } from '../../db/repositories/audit.ts';
import { endpoint } from '../http/contract.ts';
import { auditEntrySchema } from './audit.schemas.ts';

const sort = {
  fields: {
    id: 'a.id',
    at: 'a.at',
    actor: 'a.actor',
    action: 'a.action',
    target_type: 'a.target_type',
    target_id: 'a.target_id',
    outcome: 'a.outcome',
    status: 'a.status',
    ip: 'a.ip',
    request_id: 'a.request_id',
  },
  key: ['a.id'],
  default: 'id',
} as const satisfies SortSpec;

const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date and time')
  .transform((s) => new Date(s));

const filterSchema = z
  .object({
    id: bigIdList,
    actor: textFilter,
    action: textFilter,
    outcome: z.enum(['success', 'denied', 'failure']),
    at_gte: instant,
    at_lte: instant,
  })
  .partial()
  .strict();

export function auditLogResource(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  r.use(authorize('audit:read'));
  r.get(
    '/',
    listRoute(
      db,
      'audit',
      auditEntrySchema,
      sort,
      filterSchema,
      (req: Request) => auditListQuery(db, scopeOf(req)),
      {
        id: ['a.id', 'in'],
        actor: ['a.actor', '='],
        action: ['a.action', 'contains'],
        outcome: ['a.outcome', '='],
        at_gte: ['a.at', '>='],
        at_lte: ['a.at', '<='],
      },
      (row) => openAuditRow(row, keyringOf(db)),
    ),
  );
  r.get(
    '/:id',
    endpoint(
      {
        summary: 'One audit entry',
        params: bigIdParam,
        response: { description: 'The entry', schema: auditEntrySchema },
      },
      async (req, res, { params: { id } }) => {
        const row = await auditListQuery(db, scopeOf(req)).where('a.id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Audit entry');
        res.json(openAuditRow(row, keyringOf(db)));
      },
    ),
  );
  return r;
}
