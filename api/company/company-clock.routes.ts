// The company's clock for the admin UI: its time zone and today's company date, so the UI never
// takes "today" from the browser's UTC date (wrong in Shanghai between 00:00 and 08:00).
import { z } from 'zod';
import { Router } from 'express';
import type { DB } from '../../db/connect.ts';
import { getPolicy } from '../../db/repositories/policy.ts';
import { workDateAt } from '../../domain/zoned-time.ts';
import { unauthenticated } from '../http/errors.ts';
import { endpoint } from '../http/contract.ts';

export function companyClockRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/clock',
    endpoint(
      {
        summary: "The company's time zone and today's company date",
        access: 'signed-in',
        response: {
          description: "The company's clock",
          schema: z.object({
            timeZone: z.string().meta({ description: 'IANA time zone' }),
            today: z.string().meta({ description: "the company's date, YYYY-MM-DD" }),
            now: z.string().meta({ description: 'ISO 8601 instant' }),
          }),
        },
      },
      async (req, res) => {
        if (!req.principal) throw unauthenticated();
        const now = new Date();
        const { timeZone } = await getPolicy(deps.db);
        res.json({ timeZone, today: workDateAt(now, timeZone), now: now.toISOString() });
      },
    ),
  );
  return r;
}
