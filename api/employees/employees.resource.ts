// Employees for the admin UI (react-admin simple-rest): list with search, getOne, getMany,
// getManyReference by department or manager, and the edit. People outside the caller's
// departments do not exist for it (404), neither as the edited person nor as the new department.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { EMPLOYEE_NAME_MAX } from '../../domain/org/org-rules.ts';
import { personDays } from '../../domain/calendar/person-days.ts';
import { addDays, isValidDate, isValidTimeZone, workDateAt } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { inScopeOf } from '../../db/department-scope.ts';
import { loadOverrides } from '../../db/repositories/calendar.ts';
import { employeeDaysBetween } from '../../db/repositories/employee-days.ts';
import { findEmployeeById, openEmployee, updateEmployee } from '../../db/repositories/org.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { auditRead, noteSubject } from '../audit/audit-trail.ts';
import { authorize, authorizeByMethod, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { pickEditable } from '../http/pick-editable.ts';
import { dbId, idList, idParam, listRoute, textFilter, type SortSpec } from '../http/simple-rest.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { issue } from '../../domain/issue-codes.ts';
import { employeesListQuery } from '../../db/repositories/org.ts';
import { endpoint } from '../http/contract.ts';
import { employeeSchema, personDaysSchema } from './employees.schemas.ts';

const sort = {
  fields: {
    id: 'e.id',
    name: 'e.name',
    department_id: 'e.department_id',
    department_name: 'd.name',
    dingtalk_user_id: 'e.dingtalk_user_id',
    active: 'e.active',
    time_zone: 'e.time_zone',
  },
  key: ['e.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    id: idList,
    department_id: idList,
    manager_id: idList,
    active: z.boolean(),
    q: textFilter,
  })
  .partial()
  .strict();

const daysQuery = z
  .object({
    /** the last date shown (default and at most: the company's today) */
    to: z.string().refine(isValidDate, issue('date_format', 'expected YYYY-MM-DD')).optional(),
    days: z.coerce.number().int().min(1).max(92).default(31),
  })
  .strict();

const employeeUpdate = z
  .object({
    name: z.string().trim().min(1).max(EMPLOYEE_NAME_MAX),
    department_id: dbId,
    manager_id: dbId.nullish(),
    mobile: z.string().max(20).nullish(),
    active: z.boolean(),
    workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullish(),
    time_zone: z
      .string()
      .refine(isValidTimeZone, issue('time_zone_unknown', 'unknown IANA time zone'))
      .nullish(),
  })
  .partial();

export function employeesResource(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  r.use(authorizeByMethod('people:read', 'people:write'));
  r.get(
    '/',
    listRoute(
      db,
      'employees',
      employeeSchema,
      sort,
      filterSchema,
      (req: Request) => employeesListQuery(db, scopeOf(req)),
      {
        id: ['e.id', 'in'],
        department_id: ['e.department_id', 'in'],
        manager_id: ['e.manager_id', 'in'],
        active: ['e.active', '='],
        q: ['e.name', 'contains'],
      },
      (row) => openEmployee(row, keyringOf(db)),
    ),
  );
  r.get(
    '/:id',
    endpoint(
      {
        summary: 'One employee',
        params: idParam,
        response: { description: 'The employee', schema: employeeSchema },
      },
      async (req, res, { params: { id } }) => {
        const row = await employeesListQuery(db, scopeOf(req)).where('e.id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Employee');
        res.json(openEmployee(row, keyringOf(db)));
      },
    ),
  );
  // The person's days (the history's first tab): every date of the range with its outcome, the
  // exemption's reason and the day's reading. Health data: health:read, audited like the records.
  r.get(
    '/:id/days',
    authorize('health:read'),
    auditRead('records.list', 'employees'),
    endpoint(
      {
        summary: "One person's days: expected, submitted, outcome, leave, calendar (newest first)",
        params: idParam,
        query: daysQuery,
        response: { description: '{ employee_id, from, to, today, days }', schema: personDaysSchema },
      },
      async (req, res, { params: { id }, query: q }) => {
        const person = await employeesListQuery(db, scopeOf(req)).where('e.id', '=', id).executeTakeFirst();
        if (!person) throw notFound('Employee');
        noteSubject(req, id);
        const today = workDateAt(new Date(), (await getPolicy(db)).timeZone);
        const to = q.to && q.to < today ? q.to : today;
        const from = addDays(to, -(q.days - 1));
        const dates: string[] = [];
        for (let d = to; d >= from; d = addDays(d, -1)) dates.push(d);
        const [found, overrides] = await Promise.all([
          employeeDaysBetween(db, id, from, to),
          loadOverrides(db, from, to),
        ]);
        res.json({
          employee_id: id,
          from,
          to,
          today,
          days: personDays({ dates, overrides, workdays: person.workdays, ...found }),
        });
      },
    ),
  );
  r.put(
    '/:id',
    endpoint(
      {
        summary: 'Edit an employee: name, department, manager, mobile, active, workdays, time zone',
        description: 'react-admin sends the whole record: fields that are not editable are dropped first.',
        params: idParam,
        body: employeeUpdate,
        readBody: (req) => pickEditable(req.body, employeeUpdate),
        response: { description: 'The employee after the change', schema: employeeSchema },
      },
      async (req, res, { params: { id }, body }) => {
        const scope = scopeOf(req);
        const current = await findEmployeeById(db, id);
        if (!current || !inScopeOf(scope, current.department_id)) throw notFound('Employee');
        if (body.department_id !== undefined && !inScopeOf(scope, body.department_id))
          throw notFound('Department');
        await updateEmployee(db, id, body);
        res.json(
          openEmployee(
            await employeesListQuery(db, 'all').where('e.id', '=', id).executeTakeFirstOrThrow(),
            keyringOf(db),
          ),
        );
      },
    ),
  );
  return r;
}
