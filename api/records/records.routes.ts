// A record rendered against its own form version: old records keep their labels and options.
import { Router } from 'express';
import { z } from 'zod';
import { renderAnswers } from '../../domain/forms/render-answers.ts';
import type { DB } from '../../db/connect.ts';
import { findFormVersion } from '../../db/repositories/forms.ts';
import { auditRead } from '../audit/audit-trail.ts';
import { inScopeOf, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function recordRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/:id',
    auditRead('records.read', 'health_record'),
    route(async (req, res) => {
      const { id } = parse(idParam, req.params, 'path');
      const record = await deps.db
        .selectFrom('health_records')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!record || !inScopeOf(scopeOf(req), record.department_id)) throw notFound('Record');
      const form = record.form_version ? await findFormVersion(deps.db, record.form_version) : undefined;
      res.json({
        record,
        formVersion: record.form_version,
        rendered: form ? renderAnswers(form.definition, record.answers) : [],
      });
    }),
  );
  return r;
}
