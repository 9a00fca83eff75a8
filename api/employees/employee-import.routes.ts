// POST /api/employees/import: a CSV of employees (at most 5,000 rows), within the caller's
// departments; the shared CSV import route reads the body and the dry-run flag.
import type { Router } from 'express';
import type { DB } from '../../db/connect.ts';
import { scopeOf } from '../auth/permissions.ts';
import { csvImportRoutes } from '../csv-import/csv-import.routes.ts';
import { importEmployees } from './employee-import.service.ts';

/** Mounted behind authorize('people:write'): the scope is the departments the caller may write people in. */
export function employeeImportRoutes(deps: { db: DB }): Router {
  return csvImportRoutes('employees', (req, csv, { dryRun }) =>
    importEmployees(deps.db, csv, { dryRun, scope: scopeOf(req) }),
  );
}
