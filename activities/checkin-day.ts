// Activities of the day itself: planning, starting workflows, asking Postgres, closing the day.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { computeDaySchedule, compressSchedule, type DaySchedule } from '../domain/day-schedule.ts';
import type { ReminderLevel } from '../domain/policy.ts';
import { checkinWorkflowId, departmentBatchWorkflowId } from '../domain/workflow-ids.ts';
import { workDateAt } from '../domain/zoned-time.ts';
import { closeDayAsMissed, insertDaysIfAbsent, recordLevelReached } from '../db/repositories/checkin-days.ts';
import { listActiveEmployeesAfter } from '../db/repositories/org.ts';
import { getCurrentPolicy } from '../db/repositories/policy.ts';
import { findRecordForDay } from '../db/repositories/records.ts';
import { CheckinStatusKey, DepartmentIdKey, WorkDateKey, pendingSignal } from '../workflows/messages.ts';
import type { ActivityDeps } from './deps.ts';

export function createCheckinDayActivities({ db, temporal, config, logger }: ActivityDeps) {
  return {
    /** Computes the day's instants from the policy in force now; the snapshot is passed to every workflow. */
    async planDay(input: { workDate?: string; timeScale?: number }): Promise<DaySchedule> {
      const policy = await getCurrentPolicy(db);
      const workDate = input.workDate ?? workDateAt(new Date(), policy.timeZone);
      const real = computeDaySchedule(workDate, policy, config.schedule.batchWindowSeconds * 1000);
      const scale = input.timeScale ?? config.schedule.dayTimeScale;
      return scale > 1 ? compressSchedule(real, new Date(), scale) : real;
    },

    async startCheckinWorkflows(input: {
      schedule: DaySchedule;
      batchSize: number;
    }): Promise<{ started: number; alreadyRunning: number }> {
      const ctx = Context.current();
      const resume = ctx.info.heartbeatDetails as
        { afterId: number; started: number; alreadyRunning: number } | undefined;
      let { afterId, started, alreadyRunning } = resume ?? { afterId: 0, started: 0, alreadyRunning: 0 };
      const { schedule } = input;
      for (;;) {
        const page = await listActiveEmployeesAfter(db, afterId, input.batchSize);
        if (page.length === 0) break;
        await insertDaysIfAbsent(
          db,
          page.map((e) => ({ employeeId: e.id, departmentId: e.department_id, schedule })),
        );
        const results = await startEmployeeDays(temporal, config.temporal.taskQueue, schedule, page);
        started += results.filter(Boolean).length;
        alreadyRunning += results.filter((r) => !r).length;
        afterId = (page[page.length - 1] as { id: number }).id;
        ctx.heartbeat({ afterId, started, alreadyRunning });
      }
      logger.info({ workDate: schedule.workDate, started, alreadyRunning }, 'fan-out finished');
      return { started, alreadyRunning };
    },

    async isSubmitted(input: { employeeId: number; workDate: string }): Promise<boolean> {
      return (await findRecordForDay(db, input.employeeId, input.workDate)) !== undefined;
    },

    /** Hands the employee to the department's batch for this level (started on first use). */
    async enqueueDepartmentReminder(input: {
      employeeId: number;
      departmentId: number;
      workDate: string;
      level: ReminderLevel;
      batchWindowMs: number;
    }): Promise<void> {
      await temporal.workflow.signalWithStart('departmentReminderBatch', {
        taskQueue: config.temporal.taskQueue,
        workflowId: departmentBatchWorkflowId(input.workDate, input.departmentId, input.level),
        args: [
          {
            departmentId: input.departmentId,
            workDate: input.workDate,
            level: input.level,
            batchWindowMs: input.batchWindowMs,
          },
        ],
        signal: pendingSignal,
        signalArgs: [{ employeeIds: [input.employeeId] }],
      });
      await recordLevelReached(db, input.employeeId, input.workDate, input.level);
    },

    async closeDay(input: {
      employeeId: number;
      workDate: string;
    }): Promise<'submitted' | 'late' | 'missed'> {
      if (await findRecordForDay(db, input.employeeId, input.workDate)) return 'submitted';
      const outcome = await closeDayAsMissed(db, input.employeeId, input.workDate);
      return outcome === 'pending' || outcome === undefined ? 'missed' : outcome;
    },
  };
}

/** Starts the day workflow of each employee; false where it was already running (same id). */
export async function startEmployeeDays(
  temporal: Client,
  taskQueue: string,
  schedule: DaySchedule,
  employees: { id: number; department_id: number }[],
): Promise<boolean[]> {
  return mapLimit(employees, 32, async (e) => {
    try {
      await temporal.workflow.start('dailyCheckin', {
        taskQueue,
        workflowId: checkinWorkflowId(schedule.workDate, e.id),
        args: [{ employeeId: e.id, departmentId: e.department_id, schedule }],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: WorkDateKey, value: schedule.workDate },
          { key: DepartmentIdKey, value: e.department_id },
          { key: CheckinStatusKey, value: 'pending' },
        ]),
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
