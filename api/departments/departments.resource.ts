// Departments for the admin UI (react-admin simple-rest): list, getOne, getMany, and the edit.
// The edit keeps the tree acyclic (the same rule as the CSV import) and refuses to let anyone give
// themselves access to health answers by naming themselves manager or HR contact.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { departmentName, parentCycle } from '../../domain/org/org-rules.ts';
import { isValidTimeZone } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { lockOrgChart, loadParents } from '../../db/repositories/org-chart.ts';
import { setDepartmentRobot } from '../../db/repositories/org.ts';
import { noteAudit } from '../audit/audit-trail.ts';
import { authorize, principalOf, scopeOf } from '../auth/permissions.ts';
import { AppError, forbidden, notFound } from '../http/errors.ts';
import { dbId, idList, idParam, listRoute, textFilter, type SortSpec } from '../http/simple-rest.ts';
import { pickEditable } from '../http/pick-editable.ts';
import { issue } from '../../domain/issue-codes.ts';
import { departmentsListQuery, findDepartmentHeads, updateDepartment } from '../../db/repositories/org.ts';
import { endpoint } from '../http/contract.ts';
import { departmentSchema } from './departments.schemas.ts';

const sort = {
  fields: {
    id: 'd.id',
    name: 'd.name',
    parent_id: 'd.parent_id',
    manager_name: 'm.name',
    hr_name: 'h.name',
    time_zone: 'd.time_zone',
  },
  key: ['d.id'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z.object({ id: idList, parent_id: idList, q: textFilter }).partial().strict();

const timeZone = z
  .string()
  .refine(isValidTimeZone, issue('time_zone_unknown', 'unknown IANA time zone'))
  .nullish();
const departmentUpdate = z
  .object({
    name: departmentName,
    parent_id: dbId.nullish(),
    manager_id: dbId.nullish(),
    hr_contact_id: dbId.nullish(),
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

/**
 * Naming a department's manager or HR contact grants that person its health answers. Nobody may
 * grant that to themselves (an admin-only account would otherwise read what admins must not);
 * every grant is audited under its own action so it stands out in the log.
 */
function checkHealthGrant(
  req: Request,
  id: number,
  body: z.infer<typeof departmentUpdate>,
  current: { manager_id: number | null; hr_contact_id: number | null },
) {
  // react-admin sends the whole record back: only a changed person is a grant
  const grants = (['manager_id', 'hr_contact_id'] as const).filter(
    (k) => typeof body[k] === 'number' && body[k] !== current[k],
  );
  if (grants.length === 0) return;
  const self = principalOf(req).employeeId;
  const detail = Object.fromEntries(grants.map((k) => [k, body[k]]));
  const toSelf = self !== null && grants.some((k) => body[k] === self);
  noteAudit(req, {
    action: toSelf ? 'departments.health_access_self_grant_refused' : 'departments.health_access_granted',
    targetType: 'departments',
    targetId: id,
    detail: { ...detail, grantsHealthAccess: true, toSelf },
  });
  if (toSelf)
    throw forbidden(
      'You cannot make yourself manager or HR contact (that grants access to health answers): ask another administrator',
    );
}

export function departmentsResource(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  r.get(
    '/',
    authorize('people:read'),
    listRoute(
      db,
      'departments',
      departmentSchema,
      sort,
      filterSchema,
      (req: Request) => departmentsListQuery(db, scopeOf(req)),
      {
        id: ['d.id', 'in'],
        parent_id: ['d.parent_id', 'in'],
        q: ['d.name', 'contains'],
      },
    ),
  );
  r.get(
    '/:id',
    authorize('people:read'),
    endpoint(
      {
        summary: 'One department with its manager, HR contact and group robot',
        params: idParam,
        response: { description: 'The department', schema: departmentSchema },
      },
      async (req, res, { params: { id } }) => {
        const row = await departmentsListQuery(db, scopeOf(req)).where('d.id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Department');
        res.json(row);
      },
    ),
  );
  r.put(
    '/:id',
    authorize('org:write'),
    endpoint(
      {
        summary: 'Edit a department: name, parent, manager, HR contact, group robot',
        description: 'react-admin sends the whole record: fields that are not editable are dropped first.',
        params: idParam,
        body: departmentUpdate,
        readBody: (req) => pickEditable(req.body, departmentUpdate),
        response: { description: 'The department after the change', schema: departmentSchema },
      },
      async (req, res, { params: { id }, body }) => {
        const current = await findDepartmentHeads(db, id);
        if (!current) throw notFound('Department');
        checkHealthGrant(req, id, body, current);
        const {
          robot_webhook_token: token,
          robot_signing_secret: secret,
          robot_remove: remove,
          ...plain
        } = body;
        await db.transaction().execute(async (trx) => {
          if (plain.parent_id !== undefined) {
            await lockOrgChart(trx);
            const parents = await loadParents(trx);
            parents.set(id, plain.parent_id);
            const cycle = parentCycle(id, (d) => parents.get(d));
            if (cycle) {
              const chain = [...cycle, id].join(' → ');
              throw new AppError('validation_failed', 400, 'The parents would form a cycle', [
                {
                  field: 'parent_id',
                  message: `the parents would form a cycle: ${chain}`,
                  code: 'department_cycle',
                  params: { chain },
                  messages: {
                    zh: `上级部门会形成循环：${chain}`,
                    en: `the parents would form a cycle: ${chain}`,
                  },
                },
              ]);
            }
          }
          if (Object.keys(plain).length) await updateDepartment(trx, id, plain);
          if (remove) await setDepartmentRobot(trx, id, null);
          else if (token)
            await setDepartmentRobot(trx, id, { webhookToken: token, signingSecret: secret ?? null });
        });
        res.json(await departmentsListQuery(db, 'all').where('d.id', '=', id).executeTakeFirstOrThrow());
      },
    ),
  );
  return r;
}
