// GET /api/me/pass (the employee's pass for today) and GET /api/pass/verify?p= (the guard's check).
import { Router } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { AppError } from '../http/errors.ts';
import { issuePass, verifyPass } from './pass.service.ts';
import { endpoint } from '../http/contract.ts';
import { myPassSchema } from './pass.schemas.ts';

interface PassDeps {
  db: DB;
  secret: string;
  publicBaseUrl: string;
}

export function myPassRoutes(deps: PassDeps): Router {
  const r = Router();
  r.get(
    '/pass',
    endpoint(
      {
        summary: "The employee's pass for today (after submitting)",
        response: {
          description: 'The pass: a signed token, its QR and what the guard sees',
          schema: myPassSchema,
        },
      },
      async (req, res) => {
        const pass = await issuePass(deps.db, deps.secret, deps.publicBaseUrl, req.employeeId as number);
        if (!pass) throw new AppError('not_found', 404, 'No check-in today yet: submit first to get a pass');
        res.json(pass);
      },
    ),
  );
  return r;
}

const verifyQuery = z.object({ p: z.string().min(1).max(2048) });

export function passVerifyRoutes(deps: PassDeps): Router {
  const r = Router();
  r.get(
    '/verify',
    endpoint(
      {
        summary: "The guard's check of a pass (the QR code's p)",
        query: verifyQuery,
        response: {
          description: 'Whether the pass is valid, and for whom and which day',
          schema: z.object({
            valid: z.boolean(),
            reason: z.enum(['invalid', 'no_record', 'not_today']).optional(),
            name: z.string().optional(),
            departmentName: z.string().nullable().optional(),
            workDate: z.string().optional(),
            colour: z.string().optional(),
          }),
        },
      },
      async (_req, res, { query: { p } }) => {
        res.setHeader('cache-control', 'no-store').json(await verifyPass(deps.db, deps.secret, p));
      },
    ),
  );
  return r;
}
