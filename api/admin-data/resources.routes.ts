// The admin UI's resources in react-admin's simple-rest shape. Each resource names the permission
// that reads it and the column its department scope filters on, so every list, getOne and getMany
// is limited in SQL to what the caller may see.
import { Router } from 'express';
import { sql, type ComparisonOperatorExpression, type SelectQueryBuilder } from 'kysely';
import { renderAnswers } from '../../domain/forms/render-answers.ts';
import type { DB } from '../../db/connect.ts';
import { idsOrNone } from '../../db/department-scope.ts';
import type { Database } from '../../db/database.ts';
import { findFormVersion } from '../../db/repositories/forms.ts';
import {
  findEmployeeById,
  openEmployee,
  setDepartmentRobot,
  updateEmployee,
} from '../../db/repositories/org.ts';
import { openRecord } from '../../db/repositories/records.ts';
import { openReviewWithContext, reviewsWithContext } from '../../db/repositories/reviews.ts';
import { auditRead } from '../audit/audit-trail.ts';
import { authorize, inScopeOf, scopeOf, type Permission } from '../auth/permissions.ts';
import type { Scope } from '../auth/principal.ts';
import { AppError, forbidden, notFound } from '../http/errors.ts';
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import { parse, route } from '../http/middleware.ts';
import { createLeave, deleteLeave, leaveSchema, type LeaveDeps } from '../calendar/calendar.routes.ts';
import { z } from 'zod';
import { ids, parseList, sendList, type ListParams } from './ra-query.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource's builder has its own row type
type Query = SelectQueryBuilder<Database, any, any>;

interface Resource {
  read: Permission;
  /** the department column the caller's scope filters on; null for company-wide data */
  scopeColumn: string | null;
  /** reading it discloses health answers (audit-logged) */
  healthData?: boolean;
  /** sortable field → column */
  sort: Record<string, string>;
  base: (db: DB) => Query;
  filter: (q: Query, f: Record<string, unknown>) => Query;
  /** opens the row's sealed fields (answers, reasons, mobile, comments) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the row type of `base`
  open?: (row: any) => Record<string, unknown>;
}

/** where() on a column named at run time (the builder cannot type it, the list of names is fixed here) */
const where = (q: Query, column: string, op: ComparisonOperatorExpression, value: unknown): Query =>
  q.where(sql.ref(column), op, value as never);

/** Only the named keys of a request body (react-admin also sends joined, read-only fields). */
const pick = (body: unknown, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(([k]) => keys.includes(k)),
  );

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

const resources: Record<string, Resource> = {
  reviews: {
    read: 'health:read',
    scopeColumn: 'r.department_id',
    healthData: true,
    sort: {
      id: 'r.id',
      work_date: 'r.work_date',
      severity: 'r.severity',
      status: 'r.status',
      created_at: 'r.created_at',
    },
    base: (db) => reviewsWithContext(db),
    open: openReviewWithContext,
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'r.id', 'in', id.length ? id : [-1]);
      if (str(f.status)) q = where(q, 'r.status', '=', str(f.status));
      if (ids(f.department_id)) q = where(q, 'r.department_id', 'in', ids(f.department_id) ?? []);
      if (str(f.work_date_gte)) q = where(q, 'r.work_date', '>=', str(f.work_date_gte));
      if (str(f.work_date_lte)) q = where(q, 'r.work_date', '<=', str(f.work_date_lte));
      return q;
    },
  },
  records: {
    read: 'health:read',
    scopeColumn: 'h.department_id',
    healthData: true,
    sort: { id: 'h.id', work_date: 'h.work_date', submitted_at: 'h.submitted_at', severity: 'h.severity' },
    base: (db) =>
      db
        .selectFrom('health_records as h')
        .innerJoin('employees as e', 'e.id', 'h.employee_id')
        .innerJoin('departments as d', 'd.id', 'h.department_id')
        // 代填: who filled the record in for the employee, if anyone
        .leftJoin('employees as p', 'p.id', 'h.proxy_by_employee_id')
        .select([
          'h.id',
          'h.employee_id',
          'e.name as employee_name',
          'h.department_id',
          'd.name as department_name',
          'h.work_date',
          'h.submitted_at',
          'h.status',
          'h.severity',
          'h.reasons_ct',
          'h.form_version',
          'h.is_current',
          'h.answers_ct',
          'h.proxy_by_employee_id',
          'p.name as proxy_name',
        ]),
    open: openRecord,
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'h.id', 'in', id.length ? id : [-1]);
      if (ids(f.department_id)) q = where(q, 'h.department_id', 'in', ids(f.department_id) ?? []);
      if (ids(f.employee_id)) q = where(q, 'h.employee_id', 'in', ids(f.employee_id) ?? []);
      if (str(f.severity)) q = where(q, 'h.severity', '=', str(f.severity));
      if (str(f.status)) q = where(q, 'h.status', '=', str(f.status));
      if (str(f.work_date)) q = where(q, 'h.work_date', '=', str(f.work_date));
      if (str(f.work_date_gte)) q = where(q, 'h.work_date', '>=', str(f.work_date_gte));
      if (str(f.work_date_lte)) q = where(q, 'h.work_date', '<=', str(f.work_date_lte));
      return q;
    },
  },
  employees: {
    read: 'people:read',
    scopeColumn: 'e.department_id',
    sort: { id: 'e.id', name: 'e.name', department_id: 'e.department_id' },
    base: (db) =>
      db
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
        ]),
    open: openEmployee,
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'e.id', 'in', id.length ? id : [-1]);
      if (ids(f.department_id)) q = where(q, 'e.department_id', 'in', ids(f.department_id) ?? []);
      if (typeof f.active === 'boolean') q = where(q, 'e.active', '=', f.active);
      if (str(f.q)) q = where(q, 'e.name', 'ilike', `%${str(f.q)}%`);
      return q;
    },
  },
  departments: {
    read: 'people:read',
    scopeColumn: 'd.id',
    sort: { id: 'd.id', name: 'd.name' },
    base: (db) =>
      db
        .selectFrom('departments as d')
        .leftJoin('employees as m', 'm.id', 'd.manager_id')
        .leftJoin('employees as h', 'h.id', 'd.hr_contact_id')
        .leftJoin('department_robots as rb', 'rb.department_id', 'd.id')
        .select([
          'd.id',
          'd.name',
          'd.parent_id',
          'd.manager_id',
          'm.name as manager_name',
          'd.hr_contact_id',
          'h.name as hr_name',
          'd.time_zone',
          // the webhook token and signing secret are write-only: the UI only learns one is set
          sql<boolean>`rb.department_id is not null`.as('robot_configured'),
        ]),
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'd.id', 'in', id.length ? id : [-1]);
      if (str(f.q)) q = where(q, 'd.name', 'ilike', `%${str(f.q)}%`);
      return q;
    },
  },
  leaves: {
    read: 'people:read',
    scopeColumn: 'e.department_id',
    sort: { id: 'l.id', from_date: 'l.from_date', to_date: 'l.to_date' },
    base: (db) =>
      db
        .selectFrom('leaves as l')
        .innerJoin('employees as e', 'e.id', 'l.employee_id')
        .innerJoin('departments as d', 'd.id', 'e.department_id')
        .select([
          'l.id',
          'l.employee_id',
          'e.name as employee_name',
          'd.name as department_name',
          'l.kind',
          'l.from_date',
          'l.to_date',
          'l.note',
          'l.source',
          'l.created_at',
        ]),
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'l.id', 'in', id.length ? id : [-1]);
      if (ids(f.employee_id)) q = where(q, 'l.employee_id', 'in', ids(f.employee_id) ?? []);
      if (str(f.active_on))
        q = where(where(q, 'l.from_date', '<=', str(f.active_on)), 'l.to_date', '>=', str(f.active_on));
      return q;
    },
  },
  reminders: {
    read: 'people:read',
    scopeColumn: 'r.department_id',
    sort: { id: 'r.claimed_at', work_date: 'r.work_date', level: 'r.level' },
    base: (db) =>
      db
        .selectFrom('reminders_sent as r')
        .innerJoin('employees as e', 'e.id', 'r.employee_id')
        .innerJoin('departments as d', 'd.id', 'r.department_id')
        .select([
          sql<string>`r.employee_id || '-' || r.work_date || '-' || r.level`.as('id'),
          'r.employee_id',
          'e.name as employee_name',
          'r.department_id',
          'd.name as department_name',
          'r.work_date',
          'r.level',
          'r.channel',
          'r.status',
          'r.error',
          'r.sent_at',
          // DingTalk's read state of a work notification (已读/未读), null for group posts and to-dos
          'r.delivery',
          'r.delivery_checked_at',
        ]),
    filter: (q, f) => {
      if (str(f.work_date)) q = where(q, 'r.work_date', '=', str(f.work_date));
      if (f.level !== undefined) q = where(q, 'r.level', '=', Number(f.level));
      if (str(f.status)) q = where(q, 'r.status', '=', str(f.status));
      if (ids(f.department_id)) q = where(q, 'r.department_id', 'in', ids(f.department_id) ?? []);
      return q;
    },
  },
  audit: {
    read: 'audit:read',
    scopeColumn: null,
    sort: { id: 'a.id', at: 'a.at', actor: 'a.actor', action: 'a.action' },
    base: (db) => db.selectFrom('audit_log as a').selectAll('a'),
    filter: (q, f) => {
      const id = ids(f.id);
      if (id) q = where(q, 'a.id', 'in', id.length ? id : [-1]);
      if (str(f.actor)) q = where(q, 'a.actor', '=', str(f.actor));
      if (str(f.action)) q = where(q, 'a.action', 'ilike', `%${str(f.action)}%`);
      if (str(f.outcome)) q = where(q, 'a.outcome', '=', str(f.outcome));
      if (str(f.at_gte)) q = where(q, 'a.at', '>=', str(f.at_gte));
      if (str(f.at_lte)) q = where(q, 'a.at', '<=', str(f.at_lte));
      return q;
    },
  },
};

/** The resource's rows limited to a scope (an empty scope sees nothing). */
function scoped(db: DB, r: Resource, scope: Scope): Query {
  const q = r.base(db);
  if (r.scopeColumn === null || scope === 'all') return q;
  return where(q, r.scopeColumn, 'in', idsOrNone(scope));
}

const opened = (r: Resource, row: Record<string, unknown>) => (r.open ? r.open(row) : row);

async function findOne(
  db: DB,
  r: Resource,
  id: number,
  scope: Scope,
): Promise<Record<string, unknown> | undefined> {
  const row = (await r.filter(scoped(db, r, scope), { id: [id] }).executeTakeFirst()) as
    Record<string, unknown> | undefined;
  return row && opened(r, row);
}

async function list(db: DB, r: Resource, p: ListParams, scope: Scope) {
  const q = r.filter(scoped(db, r, scope), p.filter);
  const page: Record<string, unknown>[] = await q
    .orderBy(sql.ref(r.sort[p.sortField] ?? 'id'), p.sortOrder)
    .limit(p.limit)
    .offset(p.offset)
    .execute();
  const rows = page.map((row) => opened(r, row));
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

const raLeave = z
  .object({
    employee_id: z.number().int().positive(),
    kind: z.enum(['leave', 'business_trip']),
    from_date: z.string(),
    to_date: z.string(),
    note: z.string().max(200).nullish(),
  })
  .transform((l) => ({
    employeeId: l.employee_id,
    kind: l.kind,
    fromDate: l.from_date,
    toDate: l.to_date,
    note: l.note ?? undefined,
  }));

const timeZone = z.string().refine(isValidTimeZone, 'unknown IANA time zone').nullish();
const employeeUpdate = z
  .object({
    name: z.string().min(1).max(50),
    department_id: z.number().int().positive(),
    manager_id: z.number().int().positive().nullish(),
    mobile: z.string().max(20).nullish(),
    active: z.boolean(),
    workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullish(),
    time_zone: timeZone,
  })
  .partial();
const departmentUpdate = z
  .object({
    name: z.string().min(1).max(50),
    parent_id: z.number().int().positive().nullish(),
    manager_id: z.number().int().positive().nullish(),
    hr_contact_id: z.number().int().positive().nullish(),
    time_zone: timeZone,
    /** the DingTalk group robot: a new webhook access_token (and its signing secret), or removal */
    robot_webhook_token: z
      .string()
      .regex(/^[\w-]{8,200}$/, 'the access_token of the robot webhook URL')
      .nullish(),
    robot_signing_secret: z
      .string()
      .regex(/^SEC\w{8,200}$/, 'starts with SEC')
      .nullish(),
    robot_remove: z.boolean().nullish(),
  })
  .partial();

export function adminDataRoutes(deps: LeaveDeps): Router {
  const r = Router();
  // Edits from the admin UI (react-admin sends the whole record; only these fields are taken).
  const idParam = z.object({ id: z.coerce.number().int().positive() });
  /** A write may only touch people inside the caller's scope, and only move them within it. */
  const requireInScope = (scope: Scope, departmentIds: (number | null | undefined)[]) => {
    for (const d of departmentIds)
      if (typeof d === 'number' && !inScopeOf(scope, d))
        throw forbidden('That department is outside your scope');
  };
  const employeeDepartment = async (id: number) => {
    const e = await findEmployeeById(deps.db, id);
    if (!e) throw notFound('employee');
    return e.department_id;
  };
  r.put(
    '/employees/:id',
    authorize('people:write'),
    route(async (req, out) => {
      const { id } = parse(idParam, req.params, 'path');
      const picked = pick(req.body, employeeUpdate.keyof().options);
      const body = parse(employeeUpdate, picked);
      requireInScope(scopeOf(req), [await employeeDepartment(id), body.department_id]);
      if (!(await updateEmployee(deps.db, id, body))) throw notFound('employee');
      out.json(resources.employees && (await findOne(deps.db, resources.employees, id, 'all')));
    }),
  );
  r.put(
    '/departments/:id',
    authorize('org:write'),
    route(async (req, out) => {
      const { id } = parse(idParam, req.params, 'path');
      const body = parse(departmentUpdate, pick(req.body, departmentUpdate.keyof().options));
      if (body.parent_id === id) {
        throw new AppError('validation_failed', 400, 'A department cannot be its own parent', [
          { field: 'parent_id', message: 'must differ from the department' },
        ]);
      }
      const {
        robot_webhook_token: token,
        robot_signing_secret: secret,
        robot_remove: remove,
        ...plain
      } = body;
      await deps.db.transaction().execute(async (trx) => {
        const exists = await trx
          .selectFrom('departments')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!exists) throw notFound('department');
        if (Object.keys(plain).length)
          await trx.updateTable('departments').set(plain).where('id', '=', id).execute();
        if (remove) await setDepartmentRobot(trx, id, null);
        else if (token)
          await setDepartmentRobot(trx, id, { webhookToken: token, signingSecret: secret ?? null });
      });
      out.json(resources.departments && (await findOne(deps.db, resources.departments, id, 'all')));
    }),
  );
  // Leave is written here too (react-admin's create/delete), through the same service as /api/leaves.
  r.post(
    '/leaves',
    authorize('people:write'),
    route(async (req, out) => {
      const input = parse(leaveSchema, parse(raLeave, req.body));
      out.status(201).json(await createLeave(deps, input, { scope: scopeOf(req) }));
    }),
  );
  r.delete(
    '/leaves/:id',
    authorize('people:write'),
    route(async (req, out) => {
      const { id } = parse(idParam, req.params, 'path');
      out.json(await deleteLeave(deps.db, id, scopeOf(req)));
    }),
  );
  for (const [name, res] of Object.entries(resources)) {
    const guards = [authorize(res.read), ...(res.healthData ? [auditRead(`${name}.list`, name)] : [])];
    r.get(
      `/${name}`,
      ...guards,
      route(async (req, out) => {
        const p = parseList(req.query, Object.keys(res.sort));
        const { rows, total } = await list(deps.db, res, p, scopeOf(req));
        sendList(out, name, p, rows, total);
      }),
    );
    r.get(
      `/${name}/:id`,
      authorize(res.read),
      ...(res.healthData ? [auditRead(`${name}.read`, name)] : []),
      route(async (req, out) => {
        const id = name === 'reminders' ? undefined : Number(req.params.id);
        if (id === undefined || !Number.isInteger(id)) throw notFound(name);
        const row = await findOne(deps.db, res, id, scopeOf(req));
        if (!row) throw notFound(name);
        if (name === 'records' && typeof row.form_version === 'number') {
          const form = await findFormVersion(deps.db, row.form_version);
          row.rendered = form ? renderAnswers(form.definition, row.answers as Record<string, unknown>) : [];
        }
        out.json(row);
      }),
    );
  }
  return r;
}
