// POST /api/departments/import: a CSV of departments (at most 2,000 rows), company-wide (admins);
// the shared CSV import route reads the body and the dry-run flag.
import type { Router } from 'express';
import type { DB } from '../../db/connect.ts';
import { csvImportRoutes } from '../csv-import/csv-import.routes.ts';
import { importDepartments } from './department-import.service.ts';

export const departmentImportRoutes = (deps: { db: DB }): Router =>
  csvImportRoutes('the org chart (departments)', (_req, csv, opts) => importDepartments(deps.db, csv, opts));
