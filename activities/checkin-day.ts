// Activities of the day itself: planning, starting workflows, asking Postgres, closing the day.
import { Context } from '@temporalio/activity';
import { ServiceError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { dayKind, exemptionFor, isYearCovered } from '../domain/calendar/work-calendar.ts';
import {
  computeDaySchedule,
  compressSchedule,
  dayStartDelayMs,
  type DaySchedule,
} from '../domain/day-schedule.ts';
import type { CheckinPolicy } from '../domain/policy.ts';
import { ladderDeadline, ladderTaskQueue, type ReminderLevel } from '../domain/reminders/ladder.ts';
import { checkinWorkflowId, departmentBatchWorkflowId } from '../domain/workflow-ids.ts';
import { workDateAt } from '../domain/zoned-time.ts';
import { leavesOn, loadOverrides } from '../db/repositories/calendar.ts';
import { findPublishedNotice } from '../db/repositories/privacy.ts';
import { consentWithdrawn } from '../domain/privacy/consent.ts';
import {
  closeDayAsMissed,
  findDay,
  insertDaysIfAbsent,
  ladderInstants,
  markDayExempt,
  pendingDaysAmong,
  recordLevelReached,
  settleDayFromRecord,
} from '../db/repositories/checkin-days.ts';
import { listActiveEmployeesAfter } from '../db/repositories/org.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { exemptAmong, hasRecordForDay } from '../db/repositories/records.ts';
import { dailyCheckin } from '../workflows/daily-checkin.ts';
import { departmentReminderBatch } from '../workflows/department-reminder-batch.ts';
import {
  CheckinStatusKey,
  DepartmentIdKey,
  WorkDateKey,
  ladderDueSignal,
  pendingSignal,
} from '../workflows/messages.ts';
import type { ActivityDeps } from './deps.ts';
import { importDingTalkLeave } from './leave-sync.ts';

/** What the fan-out decided about a date, once; every employee's schedule derives from it. */
export interface DayPlan {
  workDate: string;
  workday: boolean;
  dayName: string;
  calendarSource: string;
  /** false when chinese-days does not know this year: weekends only, HR should enter holidays */
  calendarCovered: boolean;
  /** the company schedule (its close starts the digest) */
  opensAt: string;
  closesAt: string;
  /** compression: schedules start at `anchor` and run `timeScale` times faster */
  anchor: string;
  timeScale: number;
}

interface FanoutProgress {
  afterId: number;
  started: number;
  alreadyRunning: number;
  exempt: number;
  /** days already settled: submitted before the fan-out, or closed by an earlier run */
  settled: number;
}

export function createCheckinDayActivities({ db, temporal, dingtalk, config, logger }: ActivityDeps) {
  const batchWindowMs = config.schedule.batchWindowSeconds * 1000;
  const scheduleFor = (plan: DayPlan, policy: CheckinPolicy, timeZone: string): DaySchedule => {
    const real = computeDaySchedule(plan.workDate, { ...policy, timeZone }, batchWindowMs);
    return plan.timeScale > 1 ? compressSchedule(real, new Date(plan.anchor), plan.timeScale) : real;
  };

  return {
    /** Decides whether the date is a work day and snapshots the company schedule. */
    async planDay(input: { workDate?: string; timeScale?: number }): Promise<DayPlan> {
      const today = await getPolicy(db);
      const workDate = input.workDate ?? workDateAt(new Date(), today.timeZone);
      const policy = await getPolicy(db, { workDate });
      const kind = dayKind(workDate, await loadOverrides(db, workDate, workDate));
      const timeScale = input.timeScale ?? config.schedule.dayTimeScale;
      const anchor = new Date().toISOString();
      const company = computeDaySchedule(workDate, policy, batchWindowMs);
      const s = timeScale > 1 ? compressSchedule(company, new Date(anchor), timeScale) : company;
      if (!isYearCovered(Number(workDate.slice(0, 4)))) {
        logger.warn(
          { workDate },
          'statutory holidays unknown for this year: weekends only; enter the holidays in the calendar',
        );
      }
      return {
        workDate,
        workday: kind.workday,
        dayName: kind.name,
        calendarSource: kind.source,
        calendarCovered: isYearCovered(Number(workDate.slice(0, 4))),
        opensAt: s.opensAt,
        closesAt: s.closesAt,
        anchor,
        timeScale,
      };
    },

    /**
     * Starts the day of every active employee who works that date (not on leave, a trip, or a
     * part-timer's day off), each with the schedule of their department's policy in their zone.
     * The day rows decide: only a pending day gets a workflow, and a workflow id once used is never
     * reused, so running the fan-out again starts only the days nobody started yet.
     */
    async startCheckinWorkflows(input: {
      plan: DayPlan;
      batchSize: number;
    }): Promise<Omit<FanoutProgress, 'afterId'>> {
      const ctx = Context.current();
      const progress: FanoutProgress = {
        afterId: 0,
        started: 0,
        alreadyRunning: 0,
        exempt: 0,
        settled: 0,
        ...(ctx.info.heartbeatDetails as Partial<FanoutProgress> | undefined),
      };
      const { plan } = input;
      const policies = new Map<number, CheckinPolicy>();
      const companyZone = (await getPolicy(db, { workDate: plan.workDate })).timeZone;
      const schedules = new Map<string, DaySchedule>();
      // consent as the legal basis: whoever withdrew it gets an exempt day and no workflow
      const notice = await findPublishedNotice(db);
      for (;;) {
        const page = await listActiveEmployeesAfter(db, progress.afterId, input.batchSize);
        if (page.length === 0) break;
        if (config.dingtalk.leaveSync) {
          await importDingTalkLeave({ db, dingtalk, logger }, page, plan.workDate, companyZone);
        }
        const leaves = await leavesOn(
          db,
          plan.workDate,
          page.map((e) => e.id),
        );
        const days: { id: number; department_id: number; schedule: DaySchedule }[] = [];
        const withdrawn: { id: number; department_id: number; schedule: DaySchedule }[] = [];
        for (const e of page) {
          if (
            exemptionFor(
              e,
              plan.workDate,
              leaves.filter((l) => l.employee_id === e.id),
            )
          ) {
            progress.exempt++;
            continue;
          }
          let policy = policies.get(e.department_id);
          if (!policy) {
            policy = await getPolicy(db, { workDate: plan.workDate, departmentId: e.department_id });
            policies.set(e.department_id, policy);
          }
          const tz = e.time_zone ?? e.department_time_zone ?? policy.timeZone;
          const key = `${e.department_id}|${tz}`;
          let schedule = schedules.get(key);
          if (!schedule) {
            schedule = scheduleFor(plan, policy, tz);
            schedules.set(key, schedule);
          }
          if (consentWithdrawn(notice, e))
            withdrawn.push({ id: e.id, department_id: e.department_id, schedule });
          else days.push({ id: e.id, department_id: e.department_id, schedule });
        }
        await insertDaysIfAbsent(
          db,
          withdrawn.map((d) => ({
            employeeId: d.id,
            departmentId: d.department_id,
            schedule: d.schedule,
            exemptReason: 'consent_withdrawn',
          })),
        );
        progress.exempt += withdrawn.length;
        await insertDaysIfAbsent(
          db,
          days.map((d) => ({ employeeId: d.id, departmentId: d.department_id, schedule: d.schedule })),
        );
        const pending = await pendingDaysAmong(
          db,
          plan.workDate,
          days.map((d) => d.id),
        );
        progress.settled += days.length - pending.size;
        const results = await startEmployeeDays(
          temporal,
          config.temporal.taskQueue,
          days.filter((d) => pending.has(d.id)),
          {
            ladders: false,
            concurrency: config.schedule.fanoutConcurrency,
            startAtWindowOpen: config.schedule.startAtWindowOpen,
          },
        );
        progress.started += results.filter(Boolean).length;
        progress.alreadyRunning += results.filter((r) => !r).length;
        progress.afterId = (page[page.length - 1] as { id: number }).id;
        ctx.heartbeat(progress);
      }
      // Every department's ladder, once, for all the days just started (and any started before).
      const ladders = await startDepartmentLadders(
        temporal,
        config.temporal.taskQueue,
        await ladderInstants(db, plan.workDate),
        plan.workDate,
        batchWindowMs,
        config.schedule.ladderDeadlineFloorMs,
      );
      logger.info({ workDate: plan.workDate, ...progress, ladders }, 'fan-out finished');
      const { started, alreadyRunning, exempt, settled } = progress;
      return { started, alreadyRunning, exempt, settled };
    },

    /** Kept for workflows started before leave existed (their histories call it). */
    async isSubmitted(input: { employeeId: number; workDate: string }): Promise<boolean> {
      return hasRecordForDay(db, input.employeeId, input.workDate);
    },

    /** Where the day stands in Postgres, the source of truth before every reminder. */
    async dayStatus(input: {
      employeeId: number;
      workDate: string;
    }): Promise<'submitted' | 'exempt' | 'pending'> {
      if (await hasRecordForDay(db, input.employeeId, input.workDate)) {
        await settleDayFromRecord(db, input.employeeId, input.workDate);
        return 'submitted';
      }
      if ((await exemptAmong(db, input.workDate, [input.employeeId])).size > 0) {
        await markDayExempt(db, input.employeeId, input.workDate);
        return 'exempt';
      }
      return 'pending';
    },

    /** Hands the employee to the department's batch for this level (started on first use). */
    async enqueueDepartmentReminder(input: {
      employeeId: number;
      departmentId: number;
      workDate: string;
      level: ReminderLevel;
      batchWindowMs: number;
    }): Promise<void> {
      await temporal.workflow.signalWithStart(departmentReminderBatch, {
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
    }): Promise<'submitted' | 'late' | 'missed' | 'exempt'> {
      if (await hasRecordForDay(db, input.employeeId, input.workDate)) {
        await settleDayFromRecord(db, input.employeeId, input.workDate);
        return 'submitted';
      }
      if ((await findDay(db, input.employeeId, input.workDate))?.outcome === 'exempt') return 'exempt';
      const outcome = await closeDayAsMissed(db, input.employeeId, input.workDate);
      return outcome === 'pending' || outcome === undefined ? 'missed' : outcome;
    },
  };
}

const START_ATTEMPTS = 6;
const deadlineExceeded = (err: unknown): boolean =>
  err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === 4;

/**
 * Starts each employee's day workflow; false where the id was already used, running or closed
 * (REJECT_DUPLICATE: a finished day is never started a second time).
 */
export async function startEmployeeDays(
  temporal: Client,
  taskQueue: string,
  days: { id: number; department_id: number; schedule: DaySchedule }[],
  /**
   * ladders: also start (or tell) the departments' ladders, with this deadline floor (ladderDeadline);
   * concurrency: starts in flight (default 32); startAtWindowOpen: delay each start into the day's
   * window, before its first reminder (dayStartDelayMs)
   */
  opts: ({ ladders: false } | { ladders: true; deadlineFloorMs: number }) & {
    concurrency?: number;
    startAtWindowOpen?: boolean;
  },
): Promise<boolean[]> {
  const started = await mapLimit(days, opts.concurrency ?? 32, async (e) => {
    const delay = opts.startAtWindowOpen ? dayStartDelayMs(e.schedule, e.id, Date.now()) : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await temporal.workflow.start(dailyCheckin, {
          taskQueue,
          workflowId: checkinWorkflowId(e.schedule.workDate, e.id),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...(delay === undefined ? {} : { startDelay: delay }),
          args: [{ employeeId: e.id, departmentId: e.department_id, schedule: e.schedule }],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: WorkDateKey, value: e.schedule.workDate },
            { key: DepartmentIdKey, value: e.department_id },
            { key: CheckinStatusKey, value: 'pending' },
          ]),
        });
        return true;
      } catch (err) {
        // after a timed-out attempt, "already started" is (almost surely) that attempt's own start
        if (err instanceof WorkflowExecutionAlreadyStartedError) return attempt > 1;
        // An overloaded server answers DEADLINE_EXCEEDED (the client does not retry it: the start may
        // have happened). The id is fixed and never reused, so trying again is safe.
        if (attempt >= START_ATTEMPTS || !deadlineExceeded(err)) throw err;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  });
  if (opts.ladders && days.length > 0) {
    const instants = days.flatMap((d) =>
      d.schedule.reminders.map((r) => ({
        departmentId: d.department_id,
        level: r.level,
        at: r.at,
        until: d.schedule.lateUntil,
      })),
    );
    const first = days[0] as (typeof days)[number];
    await startDepartmentLadders(
      temporal,
      taskQueue,
      instants,
      first.schedule.workDate,
      first.schedule.batchWindowMs,
      opts.deadlineFloorMs,
    );
  }
  return started;
}

/**
 * Starts (or tells) each department's ladder workflow per level: signal-with-start, so a running
 * ladder learns new instants and looks again (a re-run fan-out's late days get the levels already
 * past), and a finished one starts a new run for them. Each instant comes with its day's
 * `lateUntil`; a ladder's deadline is the latest of its days' (ladderDeadline).
 */
export async function startDepartmentLadders(
  temporal: Client,
  taskQueue: string,
  instants: { departmentId: number; level: number; at: string; until: string }[],
  workDate: string,
  batchWindowMs: number,
  deadlineFloorMs: number,
): Promise<number> {
  const byLadder = new Map<
    string,
    {
      departmentId: number;
      level: ReminderLevel;
      dueAt: Set<string>;
      days: { lateUntil: string; at: string }[];
    }
  >();
  for (const i of instants) {
    const key = `${i.departmentId}/${i.level}`;
    const l = byLadder.get(key) ?? {
      departmentId: i.departmentId,
      level: i.level as ReminderLevel,
      dueAt: new Set(),
      days: [],
    };
    l.dueAt.add(i.at);
    l.days.push({ lateUntil: i.until, at: i.at });
    byLadder.set(key, l);
  }
  await mapLimit([...byLadder.values()], 16, async (l) => {
    const dueAt = [...l.dueAt].sort();
    const until = ladderDeadline(l.days, deadlineFloorMs);
    await temporal.workflow.signalWithStart(departmentReminderBatch, {
      taskQueue: ladderTaskQueue(taskQueue),
      workflowId: departmentBatchWorkflowId(workDate, l.departmentId, l.level),
      args: [{ departmentId: l.departmentId, workDate, level: l.level, batchWindowMs, dueAt, until }],
      signal: ladderDueSignal,
      signalArgs: [{ dueAt, until }],
    });
  });
  return byLadder.size;
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
