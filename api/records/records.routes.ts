// The record view scripts and older clients use (`{ record, formVersion, rendered }`): the same
// scoped, audited read as the admin UI's /api/ra/records/:id, in the shape those callers expect.
import { Router } from 'express';
import type { DB } from '../../db/connect.ts';
import { auditRead, noteSubject } from '../audit/audit-trail.ts';
import { scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { bigIdParam } from '../http/simple-rest.ts';
import { findScopedRecord } from './records.resource.ts';
import { endpoint } from '../http/contract.ts';
import { recordViewSchema } from './records.schemas.ts';

export function recordRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/:id',
    auditRead('records.read', 'health_record'),
    endpoint(
      {
        summary: 'One record with its form version and rendered answers (scripts, older clients)',
        params: bigIdParam,
        response: { description: '{ record, formVersion, rendered }', schema: recordViewSchema },
      },
      async (req, res, { params: { id } }) => {
        const found = await findScopedRecord(deps.db, id, scopeOf(req));
        if (!found) throw notFound('Record');
        noteSubject(req, found.employee_id);
        const { rendered, ...record } = found;
        res.json({ record, formVersion: record.form_version, rendered });
      },
    ),
  );
  return r;
}
