// One employee's work day: wait for the submission or the window's close, then settle. The ladder's
// messages are sent by the department's ladder workflows (department-reminder-batch.ts), which look
// Postgres up at each instant, so this workflow sleeps through the instants: the 09:00 burst costs
// it nothing, and its progress on the ladder comes from the clock (ladderPosition). Days recorded
// before that woke at each instant, and earlier ones sent their own levels: `patched`.
import {
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ladderPosition, type DaySchedule } from '../domain/day-schedule.ts';
import { ReminderLevels } from '../domain/reminders/ladder.ts';
import type { createActivities } from '../activities/index.ts';
import { CheckinStatusKey, exemptSignal, statusQuery, submitSignal, type DayState } from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { isSubmitted, dayStatus, enqueueDepartmentReminder, closeDay } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// DingTalk calls may be throttled for a while; the retry policy backs off instead of failing the day.
const { createHrCallTask } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export interface DailyCheckinInput {
  employeeId: number;
  departmentId: number;
  schedule: DaySchedule;
}

export interface DailyCheckinResult {
  outcome: 'submitted' | 'late' | 'missed' | 'exempt';
  levelReached: number;
}

export async function dailyCheckin(input: DailyCheckinInput): Promise<DailyCheckinResult> {
  const { employeeId, departmentId, schedule } = input;
  const workDate = schedule.workDate;
  let state: DayState = 'waiting';
  let levelReached = 0;
  let submittedAt: string | null = null;
  let nextReminderAt: string | null = schedule.reminders[0]?.at ?? null;
  /** the day sleeps until it closes, keeping no timer per instant */
  let sleepsThroughInstants = false;

  setHandler(submitSignal, (s) => {
    if (state === 'waiting') {
      state = 'submitted';
      submittedAt = s.submittedAt;
    }
  });
  setHandler(exemptSignal, () => {
    if (state === 'waiting') state = 'exempt';
  });
  setHandler(statusQuery, () => {
    // A query changes no history, so it may read the real clock: the workflow's own stands still
    // while it sleeps.
    const live =
      sleepsThroughInstants && state === 'waiting'
        ? ladderPosition(schedule, workflowInfo().unsafe.now())
        : { levelReached, nextReminderAt };
    return {
      workDate,
      employeeId,
      state,
      levelReached: live.levelReached,
      nextReminderAt: state === 'waiting' ? live.nextReminderAt : null,
      closesAt: schedule.closesAt,
      submittedAt,
    };
  });

  /** Waits until the instant, a submission or an exemption; true when the day is settled. */
  const waitUntil = async (iso: string): Promise<boolean> => {
    const ms = Date.parse(iso) - Date.now();
    if (ms > 0) await condition(() => state !== 'waiting', ms);
    return state !== 'waiting';
  };

  /** A signal can be lost or late (Temporal down at submit time): the database decides. */
  const settledInDatabase = async (): Promise<boolean> => {
    // (patched: days started before leave existed keep asking only about submissions)
    if (patched('leave-aware')) {
      const st = await dayStatus({ employeeId, workDate });
      if (st === 'pending') return false;
      state = st === 'exempt' ? 'exempt' : 'submitted';
      return true;
    }
    if (await isSubmitted({ employeeId, workDate })) {
      state = 'submitted';
      return true;
    }
    return false;
  };

  // (patched: days recorded before this woke at each instant, to note the level or to send it)
  if (patched('sleeps-through-instants')) {
    sleepsThroughInstants = true;
    await waitUntil(schedule.closesAt);
    // The ladders look at Postgres: a record stored before an instant stopped that level there,
    // however late its signal arrived here (a worker down at 09:00).
    const settledAt = submittedAt === null ? Date.now() : Date.parse(submittedAt);
    levelReached = ladderPosition(schedule, settledAt).levelReached;
  } else {
    for (const reminder of schedule.reminders) {
      nextReminderAt = reminder.at;
      if (await waitUntil(reminder.at)) break;
      // (patched: days recorded before the department ladder asked Postgres and enqueued themselves)
      if (patched('department-ladder')) {
        levelReached = reminder.level;
        continue;
      }
      if (await settledInDatabase()) break;
      log.info('reminder level due', { workDate, employeeId, level: reminder.level });
      if (reminder.level === ReminderLevels.hrCallTask) {
        await createHrCallTask({
          employeeId,
          departmentId,
          workDate,
          dueAt: schedule.closesAt,
          dingPhoneCall: schedule.dingPhoneCall,
        });
      } else {
        await enqueueDepartmentReminder({
          employeeId,
          departmentId,
          workDate,
          level: reminder.level,
          batchWindowMs: schedule.batchWindowMs,
        });
      }
      levelReached = reminder.level;
    }
  }
  nextReminderAt = null;

  if (state === 'waiting' && !(await waitUntil(schedule.closesAt))) {
    const outcome = await closeDay({ employeeId, workDate });
    if (outcome === 'missed') {
      state = 'missed';
      upsertSearchAttributes([{ key: CheckinStatusKey, value: 'missed' }]);
      log.info('day missed', { workDate, employeeId, workflowId: workflowInfo().workflowId });
      return { outcome: 'missed', levelReached };
    }
    state = outcome === 'exempt' ? 'exempt' : 'submitted';
  }
  if (state === 'exempt') {
    upsertSearchAttributes([{ key: CheckinStatusKey, value: 'exempt' }]);
    return { outcome: 'exempt', levelReached };
  }
  upsertSearchAttributes([{ key: CheckinStatusKey, value: 'submitted' }]);
  return { outcome: 'submitted', levelReached };
}
