// Employees for the admin UI (react-admin simple-rest): list with search, getOne, getMany,
// getManyReference by department or manager, and the edit. People outside the caller's
// departments do not exist for it (404), neither as the edited person nor as the new department.
import { Router } from 'express';
import { z } from 'zod';
import { EMPLOYEE_NAME_MAX } from '../../domain/org/org-rules.ts';
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { idsOrNone, inScopeOf, type DepartmentScope } from '../../db/department-scope.ts';
import { findEmployeeById, openEmployee, updateEmployee } from '../../db/repositories/org.ts';
import { authorizeByMethod, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';
import { pickEditable } from '../http/pick-editable.ts';
import { containing } from '../http/search.ts';
import { dbId, idList, idParam, listRoute, textFilter, type SortSpec } from '../http/simple-rest.ts';
import { issue } from '../../domain/issue-codes.ts';

const sort: SortSpec<string> = {
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
};

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

const employeeUpdate = z
  .object({
    name: z.string().trim().min(1).max(EMPLOYEE_NAME_MAX),
    department_id: dbId,
    manager_id: dbId.nullish(),
    mobile: z.string().max(20).nullish(),
    active: z.boolean(),
    workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullish(),
    time_zone: z.string().refine(isValidTimeZone, issue('time_zone_unknown', 'unknown IANA time zone')).nullish(),
  })
  .partial();

function employees(db: DB, scope: DepartmentScope) {
  return db
    .selectFrom('employees as e')
    .innerJoin('departments as d', 'd.id', 'e.department_id')
    .select([
      'e.id',
      'e.name',
      'e.dingtalk_user_id',
      'e.department_id',
      'd.name as department_name',
      'e.manager_id',
      'e.mobile_ct',
      'e.active',
      'e.workdays',
      'e.time_zone',
    ])
    .$if(scope !== 'all', (q) => q.where('e.department_id', 'in', idsOrNone(scope as readonly number[])));
}

export function employeesResource(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  r.use(authorizeByMethod('people:read', 'people:write'));
  r.get(
    '/',
    listRoute(
      db,
      'employees',
      sort,
      filterSchema,
      (req, f) => {
        let q = employees(db, scopeOf(req));
        if (f.id !== undefined) q = q.where('e.id', 'in', f.id);
        if (f.department_id !== undefined) q = q.where('e.department_id', 'in', f.department_id);
        if (f.manager_id !== undefined) q = q.where('e.manager_id', 'in', f.manager_id);
        if (f.active !== undefined) q = q.where('e.active', '=', f.active);
        if (f.q !== undefined) q = q.where('e.name', 'ilike', containing(f.q));
        return q;
      },
      openEmployee,
    ),
  );
  r.get(
    '/:id',
    route(async (req, res) => {
      const { id } = parse(idParam, req.params, 'path');
      const row = await employees(db, scopeOf(req)).where('e.id', '=', id).executeTakeFirst();
      if (!row) throw notFound('Employee');
      res.json(openEmployee(row));
    }),
  );
  r.put(
    '/:id',
    route(async (req, res) => {
      const { id } = parse(idParam, req.params, 'path');
      const body = parse(employeeUpdate, pickEditable(req.body, employeeUpdate));
      const scope = scopeOf(req);
      const current = await findEmployeeById(db, id);
      if (!current || !inScopeOf(scope, current.department_id)) throw notFound('Employee');
      if (body.department_id !== undefined && !inScopeOf(scope, body.department_id))
        throw notFound('Department');
      await updateEmployee(db, id, body);
      res.json(openEmployee(await employees(db, 'all').where('e.id', '=', id).executeTakeFirstOrThrow()));
    }),
  );
  return r;
}
