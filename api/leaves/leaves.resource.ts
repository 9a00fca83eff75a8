// Leave for the admin UI (react-admin simple-rest) and scripts: the one place leave is read,
// created and deleted, limited to the caller's departments.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { authorizeByMethod, scopeOf } from '../auth/permissions.ts';
import {
  dateFilter,
  dbId,
  bigIdParam,
  getOneRoute,
  listRoute,
  person,
  type SortSpec,
} from '../http/simple-rest.ts';
import { createLeave, deleteLeave, type LeaveDeps } from './leaves.service.ts';
import { issue } from '../../domain/issue-codes.ts';
import { leavesListQuery } from '../../db/repositories/calendar.ts';
import { endpoint } from '../http/contract.ts';
import { createdLeaveSchema, leaveRowSchema, leaveSchema } from './leaves.schemas.ts';

const sort = {
  fields: {
    ...person.sort('l'),
    kind: 'l.kind',
    from_date: 'l.from_date',
    to_date: 'l.to_date',
    note: 'l.note',
    source: 'l.source',
    created_at: 'l.created_at',
  },
  key: ['l.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    ...person.filters,
    kind: z.enum(['leave', 'business_trip']),
    /** leave covering this date */
    active_on: dateFilter,
    /** leave overlapping [from, to] */
    from: dateFilter,
    to: dateFilter,
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

export function leavesResource(deps: LeaveDeps): Router {
  const r = Router();
  r.use(authorizeByMethod('people:read', 'people:write'));
  r.get(
    '/',
    listRoute(
      deps.db,
      'leaves',
      leaveRowSchema,
      sort,
      filterSchema,
      (req: Request) => leavesListQuery(deps.db, scopeOf(req)),
      {
        ...person.rules('l', 'e.department_id'),
        kind: ['l.kind', '='],
        active_on: (q, day) => q.where('l.from_date', '<=', day).where('l.to_date', '>=', day),
        // overlapping the range [from, to]
        from: ['l.to_date', '>='],
        to: ['l.from_date', '<='],
      },
    ),
  );
  r.get(
    '/:id',
    getOneRoute(
      leaveRowSchema,
      (req, id) => leavesListQuery(deps.db, scopeOf(req)).where('l.id', '=', id).executeTakeFirst(),
      'Leave',
      'One leave',
    ),
  );
  /** Leave covering today stops the running day politely: no more reminders, outcome exempt. */
  r.post(
    '/',
    endpoint(
      {
        summary: 'Record a leave (covering today: the running day stops reminding, outcome exempt)',
        body: newLeave,
        response: { status: 201, description: 'The leave', schema: createdLeaveSchema },
      },
      async (req, res, { body: l }) => {
        const input = {
          employeeId: l.employee_id,
          kind: l.kind,
          fromDate: l.from_date,
          toDate: l.to_date,
          note: l.note ?? undefined,
        };
        res.status(201).json(await createLeave(deps, input, scopeOf(req)));
      },
    ),
  );
  r.delete(
    '/:id',
    endpoint(
      {
        summary: 'Delete a leave',
        params: bigIdParam,
        response: { description: 'The deleted leave', schema: leaveSchema },
      },
      async (req, res, { params: { id } }) => {
        res.json(await deleteLeave(deps.db, id, scopeOf(req)));
      },
    ),
  );
  return r;
}
