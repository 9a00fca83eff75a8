// POST /api/employees/import: a CSV of employees (at most 5,000 rows), within the caller's
// departments; the shared CSV import route reads the body and the dry-run flag.
import type { Request, Router } from 'express';
import type { DB } from '../../db/connect.ts';
import type { DepartmentScope } from '../../db/repositories/dashboard.ts';
import { csvImportRoutes } from '../csv-import/csv-import.routes.ts';
import { importEmployees } from './employee-import.service.ts';

export function employeeImportRoutes(deps: {
  db: DB;
  /** the departments the caller may write people in */
  scopeOf: (req: Request) => DepartmentScope;
}): Router {
  return csvImportRoutes((req, csv, { dryRun }) =>
    importEmployees(deps.db, csv, { dryRun, scope: deps.scopeOf(req) }),
  );
}
