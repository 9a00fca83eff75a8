// What the employee routes answer (their contracts' response schemas).
import { z } from 'zod';
import {
  anomalyReason,
  answers,
  calendarDate,
  count,
  id,
  severity,
  timestamp,
} from '../http/response-schemas.ts';

/** An employee row of /api/ra/employees: the department's name joined, the mobile opened. */
export const employeeSchema = z.strictObject({
  id,
  name: z.string(),
  dingtalk_user_id: z.string(),
  department_id: id,
  department_name: z.string(),
  manager_id: id.nullable(),
  mobile: z.string().nullable(),
  active: z.boolean(),
  /** ISO weekdays (1 Monday … 7 Sunday) of a part-timer; null: the company's work days */
  workdays: z.array(z.number().int().min(1).max(7)).nullable(),
  time_zone: z.string().nullable(),
});

/** One date of a person's history (domain/calendar/person-days.ts). */
export const personDaySchema = z.strictObject({
  work_date: calendarDate,
  outcome: z.enum(['on_time', 'late', 'missed', 'pending', 'exempt', 'day_off', 'not_planned']),
  reason: z
    .enum(['leave', 'business_trip', 'part_time', 'weekend', 'holiday', 'consent_withdrawn'])
    .nullable(),
  /** the holiday's name or the leave's note */
  reason_note: z.string().nullable(),
  level_reached: count,
  /** the day's current record, answers and reasons opened */
  record: z
    .strictObject({
      id,
      work_date: calendarDate,
      submitted_at: timestamp,
      status: z.enum(['on_time', 'late']),
      severity,
      proxy_by_employee_id: id.nullable(),
      answers,
      reasons: z.array(anomalyReason),
    })
    .nullable(),
});

/** GET /api/ra/employees/:id/days */
export const personDaysSchema = z.strictObject({
  employee_id: id,
  from: calendarDate,
  to: calendarDate,
  today: calendarDate,
  /** newest first */
  days: z.array(personDaySchema),
});
