// Operator endpoints (system admins and the operator key).
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { manualFanoutWorkflowId } from '../../domain/workflow-ids.ts';
import { dailyFanout } from '../../workflows/daily-fanout.ts';
import { isValidDate } from '../../domain/zoned-time.ts';
import { parse, route } from '../http/middleware.ts';

const fanoutSchema = z
  .object({
    workDate: z.string().refine(isValidDate, 'expected a calendar date YYYY-MM-DD').optional(),
    timeScale: z.number().min(1).max(100_000).optional(),
  })
  .strict();

export function adminRoutes(deps: { temporal: Client; taskQueue: string }): Router {
  const r = Router();
  r.post(
    '/fanout',
    route(async (req, res) => {
      const input = parse(fanoutSchema, req.body ?? {});
      // Safe to repeat: the day rows decide, so only days nobody started yet are started.
      const handle = await deps.temporal.workflow.start(dailyFanout, {
        taskQueue: deps.taskQueue,
        workflowId: manualFanoutWorkflowId(input.workDate, Date.now()),
        args: [input],
      });
      res.status(202).json({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    }),
  );
  return r;
}
