// Health records for the admin UI (react-admin simple-rest): list, getMany, getManyReference by
// employee, and getOne rendered against the record's own form version. Every read is audited and
// limited in SQL to the caller's departments.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { severities } from '../../domain/forms/form-definition.ts';
import { renderAnswers } from '../../domain/forms/render-answers.ts';
import { markPhotosRemoved, photoIdsOf } from '../../domain/privacy/minimisation.ts';
import { existingAttachmentIds } from '../../db/repositories/attachments.ts';
import type { DB } from '../../db/connect.ts';
import { type DepartmentScope } from '../../db/department-scope.ts';
import { findFormVersion } from '../../db/repositories/forms.ts';
import { openRecord } from '../../db/repositories/records.ts';
import { auditRead, noteSubject } from '../audit/audit-trail.ts';
import { authorize, scopeOf } from '../auth/permissions.ts';
import { dateFilter, getOneRoute, listRoute, person, type SortSpec } from '../http/simple-rest.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { recordsListQuery } from '../../db/repositories/records.ts';
import { recordRowSchema, recordSchema } from './records.schemas.ts';

const sort = {
  fields: {
    ...person.sort('h'),
    work_date: 'h.work_date',
    severity: 'h.severity',
    status: 'h.status',
    submitted_at: 'h.submitted_at',
    form_version: 'h.form_version',
    proxy_name: 'p.name',
  },
  key: ['h.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    ...person.filters,
    severity: z.enum(severities),
    status: z.enum(['on_time', 'late']),
    work_date: dateFilter,
    work_date_gte: dateFilter,
    work_date_lte: dateFilter,
  })
  .partial()
  .strict();

/**
 * One record the scope may see, opened and rendered against its own form version. A photo answer
 * whose image is gone is reported as removed by retention (`{ photoId, status: 'removed' }`), as
 * the retention run marks it, so the admin UI shows that text instead of a broken image.
 */
export async function findScopedRecord(db: DB, id: number, scope: DepartmentScope) {
  const row = await recordsListQuery(db, scope).where('h.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const opened = openRecord(row, keyringOf(db));
  const photos = photoIdsOf(opened.answers);
  const kept = await existingAttachmentIds(db, photos);
  const gone = new Set(photos.filter((p) => !kept.has(p)));
  const record = gone.size ? { ...opened, answers: markPhotosRemoved(opened.answers, gone).answers } : opened;
  const form = record.form_version ? await findFormVersion(db, record.form_version) : undefined;
  return { ...record, rendered: form ? renderAnswers(form.definition, record.answers) : [] };
}

export function recordsResource(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/',
    authorize('health:read'),
    auditRead('records.list', 'records'),
    listRoute(
      deps.db,
      'records',
      recordRowSchema,
      sort,
      filterSchema,
      (req: Request) => recordsListQuery(deps.db, scopeOf(req)),
      {
        ...person.rules('h'),
        severity: ['h.severity', '='],
        status: ['h.status', '='],
        work_date: ['h.work_date', '='],
        work_date_gte: ['h.work_date', '>='],
        work_date_lte: ['h.work_date', '<='],
      },
      (row, req) => {
        noteSubject(req, row.employee_id);
        return openRecord(row, keyringOf(deps.db));
      },
    ),
  );
  r.get(
    '/:id',
    authorize('health:read'),
    auditRead('records.read', 'records'),
    getOneRoute(
      recordSchema,
      async (req, id) => {
        const record = await findScopedRecord(deps.db, id, scopeOf(req));
        if (record) noteSubject(req, record.employee_id);
        return record;
      },
      'records',
      'One record, its answers rendered against its own form version',
    ),
  );
  return r;
}
