// Operator endpoints (system admins and the operator key).
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { manualFanoutWorkflowId } from '../../domain/workflow-ids.ts';
import { dailyFanout } from '../../workflows/daily-fanout.ts';
import { isValidDate } from '../../domain/zoned-time.ts';
import { endpoint } from '../http/contract.ts';

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
    endpoint(
      {
        summary: "Start the day's fan-out again (safe to repeat: only days nobody started are started)",
        body: fanoutSchema,
        bodyOptional: true,
        readBody: (req): unknown => req.body ?? {},
        response: {
          status: 202,
          description: 'The fan-out workflow started',
          schema: z.object({ workflowId: z.string(), runId: z.string() }),
        },
      },
      async (_req, res, { body: input }) => {
        // Safe to repeat: the day rows decide, so only days nobody started yet are started.
        const handle = await deps.temporal.workflow.start(dailyFanout, {
          taskQueue: deps.taskQueue,
          workflowId: manualFanoutWorkflowId(input.workDate, Date.now()),
          args: [input],
        });
        res.status(202).json({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
      },
    ),
  );
  return r;
}
