// The admin UI's resources in react-admin's simple-rest shape, mounted under /api/ra. Each lives in
// its feature folder and is the only read/write path for its data; this file only names them.
import { Router } from 'express';
import { auditLogResource } from '../audit/audit-log.resource.ts';
import { departmentsResource } from '../departments/departments.resource.ts';
import { employeesResource } from '../employees/employees.resource.ts';
import { leavesResource } from '../leaves/leaves.resource.ts';
import type { LeaveDeps } from '../leaves/leaves.service.ts';
import { recordsResource } from '../records/records.resource.ts';
import { remindersResource } from '../reminders/reminders.resource.ts';
import { reviewsResource } from '../reviews/reviews.resource.ts';

export function adminDataRoutes(deps: LeaveDeps): Router {
  const r = Router();
  r.use('/records', recordsResource(deps));
  r.use('/reviews', reviewsResource(deps));
  r.use('/employees', employeesResource(deps));
  r.use('/departments', departmentsResource(deps));
  r.use('/leaves', leavesResource(deps));
  r.use('/reminders', remindersResource(deps));
  r.use('/audit', auditLogResource(deps));
  return r;
}
