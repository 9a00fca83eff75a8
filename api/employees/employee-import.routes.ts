// POST /api/employees/import: a CSV of employees (text/csv, UTF-8, optional BOM, at most 500 KB and
// 5,000 rows), all or nothing; `?dryRun=true` checks it and reports what would change.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import type { DepartmentScope } from '../../db/repositories/dashboard.ts';
import { AppError } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';
import { importEmployees } from './employee-import.service.ts';

const importQuery = z
  .object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() })
  .strict()
  .transform((q) => ({ dryRun: q.dryRun === 'true' || q.dryRun === '1' }));

export function employeeImportRoutes(deps: {
  db: DB;
  /** the departments the caller may write people in */
  scopeOf: (req: Request) => DepartmentScope;
}): Router {
  const r = Router();
  r.post(
    '/import',
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '500kb' }),
    route(async (req, res) => {
      const { dryRun } = parse(importQuery, req.query, 'query');
      if (typeof req.body !== 'string') {
        throw new AppError('validation_failed', 400, 'Send the file as text/csv', [
          { field: 'content-type', message: 'expected text/csv' },
        ]);
      }
      res.json(await importEmployees(deps.db, req.body, { dryRun, scope: deps.scopeOf(req) }));
    }),
  );
  return r;
}
