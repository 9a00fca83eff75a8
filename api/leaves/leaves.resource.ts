// Leave for the admin UI (react-admin simple-rest) and scripts: the one place leave is read,
// created and deleted, limited to the caller's departments.
import { Router } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { idsOrNone, type DepartmentScope } from '../../db/department-scope.ts';
import { authorizeByMethod, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';
import { containing } from '../http/search.ts';
import {
  dateFilter,
  dbId,
  bigIdList,
  bigIdParam,
  idList,
  listRoute,
  textFilter,
  type SortSpec,
} from '../http/simple-rest.ts';
import { createLeave, deleteLeave, type LeaveDeps } from './leaves.service.ts';
import { issue } from '../../domain/issue-codes.ts';

const sort: SortSpec<string> = {
  fields: {
    id: 'l.id',
    employee_name: 'e.name',
    department_name: 'd.name',
    kind: 'l.kind',
    from_date: 'l.from_date',
    to_date: 'l.to_date',
    note: 'l.note',
    source: 'l.source',
    created_at: 'l.created_at',
  },
  key: ['l.id'],
  default: 'id',
};

const filterSchema = z
  .object({
    id: bigIdList,
    employee_id: idList,
    department_id: idList,
    kind: z.enum(['leave', 'business_trip']),
    /** leave covering this date */
    active_on: dateFilter,
    /** leave overlapping [from, to] */
    from: dateFilter,
    to: dateFilter,
    q: textFilter,
  })
  .partial()
  .strict();

const newLeave = z
  .object({
    employee_id: dbId,
    kind: z.enum(['leave', 'business_trip']),
    from_date: dateFilter,
    to_date: dateFilter,
    note: z.string().max(200).nullish(),
  })
  .refine((l) => l.from_date <= l.to_date, {
    path: ['to_date'],
    ...issue('date_range_order', 'must not be before from_date'),
  });

function leaves(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('leaves as l')
    .innerJoin('employees as e', 'e.id', 'l.employee_id')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'l.id',
      'l.employee_id',
      'e.name as employee_name',
      'e.department_id',
      'd.name as department_name',
      'l.kind',
      'l.from_date',
      'l.to_date',
      'l.note',
      'l.source',
      'l.created_at',
    ])
    .$if(scope !== 'all', (q) => q.where('e.department_id', 'in', idsOrNone(scope as readonly number[])));
}

export function leavesResource(deps: LeaveDeps): Router {
  const r = Router();
  r.use(authorizeByMethod('people:read', 'people:write'));
  r.get(
    '/',
    listRoute(deps.db, 'leaves', sort, filterSchema, (req, f) => {
      let q = leaves(deps.db, scopeOf(req));
      if (f.id !== undefined) q = q.where('l.id', 'in', f.id);
      if (f.employee_id !== undefined) q = q.where('l.employee_id', 'in', f.employee_id);
      if (f.department_id !== undefined) q = q.where('e.department_id', 'in', f.department_id);
      if (f.kind !== undefined) q = q.where('l.kind', '=', f.kind);
      if (f.active_on !== undefined)
        q = q.where('l.from_date', '<=', f.active_on).where('l.to_date', '>=', f.active_on);
      if (f.from !== undefined) q = q.where('l.to_date', '>=', f.from);
      if (f.to !== undefined) q = q.where('l.from_date', '<=', f.to);
      if (f.q !== undefined) q = q.where('e.name', 'ilike', containing(f.q));
      return q;
    }),
  );
  r.get(
    '/:id',
    route(async (req, res) => {
      const { id } = parse(bigIdParam, req.params, 'path');
      const row = await leaves(deps.db, scopeOf(req)).where('l.id', '=', id).executeTakeFirst();
      if (!row) throw notFound('Leave');
      res.json(row);
    }),
  );
  /** Leave covering today stops the running day politely: no more reminders, outcome exempt. */
  r.post(
    '/',
    route(async (req, res) => {
      const l = parse(newLeave, req.body);
      const input = {
        employeeId: l.employee_id,
        kind: l.kind,
        fromDate: l.from_date,
        toDate: l.to_date,
        note: l.note ?? undefined,
      };
      res.status(201).json(await createLeave(deps, input, scopeOf(req)));
    }),
  );
  r.delete(
    '/:id',
    route(async (req, res) => {
      const { id } = parse(bigIdParam, req.params, 'path');
      res.json(await deleteLeave(deps.db, id, scopeOf(req)));
    }),
  );
  return r;
}
