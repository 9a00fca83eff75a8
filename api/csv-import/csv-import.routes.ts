// POST /import for a CSV import (text/csv, UTF-8, optional BOM, at most 500 KB), all or nothing;
// `?dryRun=true` checks the file and reports what would change. The service does the rest.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { cleanBody } from '../http/input-rules.ts';
import { parse, route } from '../http/middleware.ts';
import type { ImportResult } from './csv-table.ts';

const importQuery = z
  .object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() })
  .strict()
  .transform((q) => ({ dryRun: q.dryRun === 'true' || q.dryRun === '1' }));

export function csvImportRoutes(
  run: (req: Request, csv: string, opts: { dryRun: boolean }) => Promise<ImportResult>,
): Router {
  const r = Router();
  r.post(
    '/import',
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '500kb' }),
    cleanBody(),
    route(async (req, res) => {
      const { dryRun } = parse(importQuery, req.query, 'query');
      if (typeof req.body !== 'string') {
        throw new AppError('validation_failed', 400, 'Send the file as text/csv', [
          { field: 'content-type', message: 'expected text/csv', code: 'content_type_csv' },
        ]);
      }
      res.json(await run(req, req.body, { dryRun }));
    }),
  );
  return r;
}
