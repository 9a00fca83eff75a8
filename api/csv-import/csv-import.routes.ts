// POST /import for a CSV import (text/csv, UTF-8, optional BOM, at most 500 KB), all or nothing;
// `?dryRun=true` checks the file and reports what would change. The service does the rest.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { cleanBody } from '../http/input-rules.ts';
import type { ImportResult } from './csv-table.ts';
import { endpoint } from '../http/contract.ts';
import { importResultSchema } from './csv-import.schemas.ts';

const importQuery = z
  .object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() })
  .strict()
  .transform((q) => ({ dryRun: q.dryRun === 'true' || q.dryRun === '1' }));

export function csvImportRoutes(
  what: string,
  run: (req: Request, csv: string, opts: { dryRun: boolean }) => Promise<ImportResult>,
): Router {
  const r = Router();
  r.post(
    '/import',
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '500kb' }),
    cleanBody(),
    endpoint(
      {
        summary: `Import ${what} from a CSV file (dryRun=true: check and report, change nothing)`,
        query: importQuery,
        rawBody: { types: ['text/csv'], description: 'the CSV file, UTF-8, at most 500 KB' },
        response: {
          description: 'How many rows were (or would be) created, updated and left unchanged',
          schema: importResultSchema,
        },
      },
      async (req, res, { query: { dryRun } }) => {
        if (typeof req.body !== 'string') {
          throw new AppError('validation_failed', 400, 'Send the file as text/csv', [
            { field: 'content-type', message: 'expected text/csv', code: 'content_type_csv' },
          ]);
        }
        res.json(await run(req, req.body, { dryRun }));
      },
    ),
  );
  return r;
}
