// What the department routes answer (their contracts' response schemas).
import { z } from 'zod';
import { id } from '../http/response-schemas.ts';

/** A department row of /api/ra/departments: manager and HR contact named, the robot's secrets never sent. */
export const departmentSchema = z.strictObject({
  id,
  name: z.string(),
  parent_id: id.nullable(),
  manager_id: id.nullable(),
  manager_name: z.string().nullable(),
  hr_contact_id: id.nullable(),
  hr_name: z.string().nullable(),
  /** IANA time zone; null: the company's */
  time_zone: z.string().nullable(),
  /** whether a DingTalk group robot is set (its token and secret are write-only) */
  robot_configured: z.boolean(),
});
