// Reminders sent (react-admin simple-rest): list, getOne, getMany and getManyReference by employee
// or department. A reminder's id is its key, `<employee>-<work date>-<level>`.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { authorize, scopeOf } from '../auth/permissions.ts';
import { notFound } from '../http/errors.ts';
import { dateFilter, dbId, idList, listRoute, textFilter, type SortSpec } from '../http/simple-rest.ts';
import { remindersListQuery } from '../../db/repositories/reminders.ts';
import { endpoint } from '../http/contract.ts';
import { reminderSchema } from './reminders.schemas.ts';

interface ReminderKey {
  employeeId: number;
  workDate: string;
  level: number;
}

const reminderId = z
  .string()
  .regex(/^\d{1,10}-\d{4}-\d{2}-\d{2}-\d$/, 'expected <employee>-<YYYY-MM-DD>-<level>')
  .transform((s, ctx): ReminderKey => {
    const employeeId = dbId.safeParse(s.slice(0, s.indexOf('-')));
    const workDate = dateFilter.safeParse(s.slice(s.indexOf('-') + 1, -2));
    if (!employeeId.success || !workDate.success) {
      ctx.addIssue({ code: 'custom', message: 'no such reminder' });
      return z.NEVER;
    }
    return { employeeId: employeeId.data, workDate: workDate.data, level: Number(s.slice(-1)) };
  });

const sort = {
  fields: {
    id: 'r.claimed_at',
    work_date: 'r.work_date',
    employee_name: 'e.name',
    department_name: 'd.name',
    level: 'r.level',
    channel: 'r.channel',
    status: 'r.status',
    sent_at: 'r.sent_at',
  },
  key: ['r.work_date', 'r.employee_id', 'r.level'],
  default: 'id',
} as const satisfies SortSpec;

const filterSchema = z
  .object({
    id: z
      .union([reminderId, z.array(reminderId).min(1).max(1000)])
      .transform((v) => (Array.isArray(v) ? v : [v])),
    employee_id: idList,
    department_id: idList,
    work_date: dateFilter,
    work_date_gte: dateFilter,
    work_date_lte: dateFilter,
    level: z.coerce.number().int().min(0).max(3),
    status: z.enum(['claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown']),
    channel: textFilter,
    q: textFilter,
  })
  .partial()
  .strict();

export function remindersResource(deps: { db: DB }): Router {
  const { db } = deps;
  const r = Router();
  r.use(authorize('people:read'));
  r.get(
    '/',
    listRoute(
      db,
      'reminders',
      reminderSchema,
      sort,
      filterSchema,
      (req: Request) => remindersListQuery(db, scopeOf(req)),
      {
        // a reminder's id is its key (employee, day, level)
        id: (q, keys) =>
          q.where((eb) =>
            eb.or(
              keys.map((k) =>
                eb.and([
                  eb('r.employee_id', '=', k.employeeId),
                  eb('r.work_date', '=', k.workDate),
                  eb('r.level', '=', k.level),
                ]),
              ),
            ),
          ),
        employee_id: ['r.employee_id', 'in'],
        department_id: ['r.department_id', 'in'],
        work_date: ['r.work_date', '='],
        work_date_gte: ['r.work_date', '>='],
        work_date_lte: ['r.work_date', '<='],
        level: ['r.level', '='],
        status: ['r.status', '='],
        channel: ['r.channel', '='],
        q: ['e.name', 'contains'],
      },
    ),
  );
  r.get(
    '/:id',
    endpoint(
      {
        summary: 'One reminder, by its composite id',
        params: z.object({ id: reminderId }),
        response: { description: 'The reminder', schema: reminderSchema },
      },
      async (req, res, { params: { id: k } }) => {
        const row = await remindersListQuery(db, scopeOf(req))
          .where('r.employee_id', '=', k.employeeId)
          .where('r.work_date', '=', k.workDate)
          .where('r.level', '=', k.level)
          .executeTakeFirst();
        if (!row) throw notFound('Reminder');
        res.json(row);
      },
    ),
  );
  return r;
}
