// The admin UI's resources in react-admin's simple-rest shape, mounted under /api/ra. Each lives in
// its feature folder and is the only read/write path for its data; this file only names them.
import { Router } from 'express';
import { auditLogResource } from '../audit/audit-log.resource.ts';
import { departmentsResource } from '../departments/departments.resource.ts';
import { employeesResource } from '../employees/employees.resource.ts';
import { leavesResource } from '../leaves/leaves.resource.ts';
import { recordsResource } from '../records/records.resource.ts';
import { remindersResource } from '../reminders/reminders.resource.ts';
import { remindNowRoutes, type RemindNowDeps } from '../reminders/remind-now.routes.ts';
import { reviewsResource } from '../reviews/reviews.resource.ts';

export function adminDataRoutes(deps: RemindNowDeps): Router {
  const r = Router();
  r.use('/records', recordsResource(deps));
  r.use('/reviews', reviewsResource(deps));
  r.use('/employees', employeesResource(deps));
  r.use('/departments', departmentsResource(deps));
  r.use('/leaves', leavesResource(deps));
  // before the reminders resource: another permission (health:read, scoped like the non-submitter list)
  r.use('/reminders/remind-now', remindNowRoutes(deps));
  r.use('/reminders', remindersResource(deps));
  r.use('/audit', auditLogResource(deps));
  return r;
}
