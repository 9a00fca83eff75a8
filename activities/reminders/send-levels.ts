// The ladder's levels as DingTalk calls, and the department ladder's one activity per level and
// instant. Each claims its reminder rows first, so a retried or resumed activity never sends a level
// to someone twice, and re-checks Postgres for submissions.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  claimReminders,
  expireReminders,
  markReminders as saveReminders,
  unwatchedTaskIds,
} from '../../db/repositories/reminders.ts';
import { findDepartmentContacts, findEmployeesByIds } from '../../db/repositories/org.ts';
import { reviewersFor } from '../../db/repositories/reviewer-routing.ts';
import { exemptAmong, submittedAmong } from '../../db/repositories/records.ts';
import {
  pendingDaysDueForLevel,
  recordLevelReached,
  recordLevelReachedFor,
} from '../../db/repositories/checkin-days.ts';
import {
  MANUAL_REMINDER_LEVEL,
  ReminderLevels,
  reminderLevelName,
  type ReminderLevel,
} from '../../domain/reminders/ladder.ts';
import { remindersTotal } from '../../platform/metrics.ts';
import {
  checkinLink,
  employeeReminderCard,
  hrCallTask,
  managerFallbackCards,
  managerMentionText,
} from './messages.ts';
import { isPermanentDingTalkError, toRetryableFailure } from '../dingtalk-failure.ts';
import { DingTalkError } from '../../dingtalk/errors.ts';
import { deliveryReceiptsWorkflowId } from '../../domain/workflow-ids.ts';
import { deliveryReceipts } from '../../workflows/delivery-receipts.ts';
import type { ActivityDeps } from '../deps.ts';

interface BatchInput {
  departmentId: number;
  workDate: string;
  employeeIds: number[];
  batchKey: string;
  /** the ladder's deadline (ISO): no DingTalk call starts after it */
  until?: string;
}

/** Thrown instead of a DingTalk call after the deadline: the ladder records the level as not sent. */
const pastDeadline = (until: string) =>
  ApplicationFailure.nonRetryable(`the level's deadline ${until} has passed`, 'LadderDeadline');

const chunk = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Saves reminder rows' state; the final ones (sent, failed, skipped, unknown) are counted per level. */
async function markReminders(...args: Parameters<typeof saveReminders>): Promise<void> {
  await saveReminders(...args);
  const [, , level, ids, status] = args;
  if (status !== 'claimed' && status !== 'sending' && ids.length > 0)
    remindersTotal.inc({ level: String(level), status }, ids.length);
}

export function createReminderActivities({ db, dingtalk, config, logger, temporal }: ActivityDeps) {
  const link = (workDate: string) => checkinLink(config.api.publicBaseUrl, workDate);

  /**
   * Claims rows for those still pending; returns the employees this attempt must send to. Rows an
   * earlier attempt left mid-call (DingTalk's answer never read: the worker died, the connection
   * broke) are sent again only on channels where DingTalk drops the repeat (work notifications with
   * the same content, to-dos with the same sourceId). A group-robot post may already be in the
   * group, so those rows become 'unknown' instead of a second post, after `onUncertain` has told
   * someone another way (it throws to retry later; the rows stay as they are until it succeeds).
   */
  async function claimPending(
    input: BatchInput,
    level: number,
    channel: string,
    onUncertain?: (employees: Awaited<ReturnType<typeof findEmployeesByIds>>) => Promise<string>,
  ) {
    const idempotent = channel !== 'group_robot';
    const submitted = await submittedAmong(db, input.workDate, input.employeeIds);
    const exempt = await exemptAmong(db, input.workDate, input.employeeIds);
    const pending = input.employeeIds.filter((id) => !submitted.has(id) && !exempt.has(id));
    const owned = await claimReminders(
      db,
      pending.map((employeeId) => ({
        employeeId,
        departmentId: input.departmentId,
        workDate: input.workDate,
        level,
        channel,
        batchKey: input.batchKey,
      })),
    );
    // A retry after a death between "sent" and scheduling its receipt check schedules it now.
    for (const externalId of await unwatchedTaskIds(db, input.workDate, level, input.batchKey))
      await watchReceipts(input.workDate, level, externalId);
    const uncertain = idempotent ? [] : owned.filter((o) => o.status === 'sending').map((o) => o.employeeId);
    if (uncertain.length) {
      logger.warn(
        { workDate: input.workDate, level, employeeIds: uncertain },
        'group post outcome unknown after a crash mid-call; not re-posting',
      );
      const note = onUncertain ? await onUncertain(await findEmployeesByIds(db, uncertain)) : '';
      await markReminders(
        db,
        input.workDate,
        level,
        uncertain,
        'unknown',
        null,
        `the call's answer was never read (crash mid-call); ${note}`,
      );
    }
    return findEmployeesByIds(
      db,
      owned.filter((o) => !uncertain.includes(o.employeeId)).map((o) => o.employeeId),
    );
  }

  /**
   * Runs a DingTalk call; permanent errors mark the rows failed (the day goes on), others retry.
   * Rows stay 'sending' only while the call is in flight or when its answer was never read; any
   * answer DingTalk gave (a throttle, an errcode, an HTTP error) means nothing was sent, so the
   * rows go back to 'claimed' and the retry sends them.
   */
  async function send(
    workDate: string,
    level: number,
    ids: number[],
    call: () => Promise<string | null>,
    until?: string,
  ): Promise<boolean> {
    if (until && Date.now() > Date.parse(until)) throw pastDeadline(until);
    await markReminders(db, workDate, level, ids, 'sending', null);
    let externalId: string | null;
    try {
      externalId = await call();
    } catch (err) {
      if (isPermanentDingTalkError(err)) {
        logger.error({ err, workDate, level, employeeIds: ids }, 'DingTalk refused the reminder');
        await markReminders(db, workDate, level, ids, 'failed', null, err.message);
        return false;
      }
      if (!(err instanceof DingTalkError && err.outcomeUnknown)) {
        logger.warn(
          { err, workDate, level, employeeIds: ids },
          'DingTalk call refused; retrying with backoff',
        );
        await markReminders(db, workDate, level, ids, 'claimed', null, (err as Error).message);
      }
      throw toRetryableFailure(err);
    }
    // Outside the try: DingTalk answered, so a failure from here on must not make the rows
    // 'claimed' again (that would send twice); rows left 'sending' are handled by claimPending.
    await markReminders(db, workDate, level, ids, 'sent', externalId);
    if (externalId) await watchReceipts(workDate, level, externalId);
    return true;
  }

  /** Work notifications: ask DingTalk later who read them (to-dos and group posts have no receipt). */
  async function watchReceipts(workDate: string, level: number, externalId: string): Promise<void> {
    const taskIds = externalId.split(',').filter((t) => /^\d+$/.test(t));
    if (taskIds.length === 0 || level === ReminderLevels.hrCallTask) return;
    try {
      await temporal.workflow.start(deliveryReceipts, {
        taskQueue: config.temporal.taskQueue,
        workflowId: deliveryReceiptsWorkflowId(workDate, level, taskIds),
        args: [{ workDate, level, taskIds, delaysMs: config.dingtalk.receiptDelaysMs }],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return; // a retry: already watching
      // The send is recorded; failing the attempt makes its retry schedule the check (claimPending).
      logger.warn({ err, workDate, level, taskIds }, 'could not schedule the delivery receipt check');
      throw err;
    }
  }

  /** The manager's level-2 work notifications (split to fit DingTalk's size limit); their task ids. */
  async function notifyManager(
    workDate: string,
    departmentName: string,
    managerUserIds: string[],
    names: string[],
  ) {
    const taskIds: string[] = [];
    for (const card of managerFallbackCards(workDate, departmentName, names, link(workDate))) {
      const r = await dingtalk.sendWorkNotification(managerUserIds, card);
      taskIds.push(String(r.taskId));
    }
    return taskIds.join(',');
  }

  const levels = {
    /** Level 1 (or 0, "remind now"): one work notification (action card) per 100 pending employees. */
    async notifyEmployees(
      input: BatchInput & { level?: typeof MANUAL_REMINDER_LEVEL | typeof ReminderLevels.notifyEmployee },
    ): Promise<{ sent: number }> {
      const level = input.level ?? ReminderLevels.notifyEmployee;
      const employees = await claimPending(input, level, 'work_notification');
      let sent = 0;
      for (const group of chunk(employees, 100)) {
        const ok = await send(
          input.workDate,
          level,
          group.map((e) => e.id),
          async () => {
            const r = await dingtalk.sendWorkNotification(
              group.map((e) => e.dingtalk_user_id),
              employeeReminderCard(input.workDate, link(input.workDate)),
            );
            return String(r.taskId);
          },
          input.until,
        );
        if (ok) sent += group.length;
        Context.current().heartbeat(sent);
      }
      return { sent };
    },

    /** Level 2: one @manager message per department in its group (or a work notification to the manager, found up the tree). */
    async mentionManager(input: BatchInput): Promise<{ sent: number; channel: string }> {
      Context.current().heartbeat();
      const dept = await findDepartmentContacts(db, input.departmentId);
      if (!dept) throw new Error(`department ${input.departmentId} not found`);
      // Sub-teams without a manager of their own: the nearest one up the tree (then HR).
      const { people: managers } = await reviewersFor(db, input.departmentId, 'manager', null);
      const managerUserIds = managers.map((m) => m.dingtalk_user_id);
      const channel = dept.webhook_token
        ? 'group_robot'
        : managerUserIds.length
          ? 'manager_notification'
          : 'none';
      const level = ReminderLevels.mentionManager;
      const employees = await claimPending(input, level, channel, async (uncertain) => {
        // The manager still learns who is missing: a direct work notification, which DingTalk
        // delivers once even if this runs again.
        if (managerUserIds.length === 0) return 'no manager to notify directly';
        try {
          const names = uncertain.map((e) => e.name);
          const taskIds = await notifyManager(input.workDate, dept.name, managerUserIds, names);
          return `manager notified directly (task ${taskIds})`;
        } catch (err) {
          if (!isPermanentDingTalkError(err)) throw toRetryableFailure(err);
          return `direct notification refused: ${err.message}`;
        }
      });
      if (employees.length === 0) return { sent: 0, channel };
      const ids = employees.map((e) => e.id);
      const names = employees.map((e) => e.name);
      if (channel === 'none') {
        logger.warn(
          { departmentId: input.departmentId },
          'no group robot and nobody up the tree: level 2 skipped',
        );
        await markReminders(
          db,
          input.workDate,
          level,
          ids,
          'skipped',
          null,
          'no robot, and no manager or HR anywhere up the tree',
        );
        return { sent: 0, channel };
      }
      const ok = await send(
        input.workDate,
        level,
        ids,
        async () => {
          if (dept.webhook_token) {
            await dingtalk.sendRobotMessage(
              { webhookToken: dept.webhook_token, signingSecret: dept.signing_secret },
              managerMentionText(input.workDate, dept.name, managerUserIds, names),
            );
            return null;
          }
          return notifyManager(input.workDate, dept.name, managerUserIds, names);
        },
        input.until,
      );
      return { sent: ok ? ids.length : 0, channel };
    },

    /** Level 3: a DingTalk to-do for the nearest HR (up the tree, else company-wide) to phone the employee. */
    async createHrCallTask(input: {
      employeeId: number;
      departmentId: number;
      workDate: string;
      dueAt: string;
      dingPhoneCall: boolean;
      until?: string;
    }): Promise<{ sent: boolean }> {
      const batch = {
        ...input,
        employeeIds: [input.employeeId],
        batchKey: `hr-call/${input.workDate}/${input.employeeId}`,
      };
      const level = ReminderLevels.hrCallTask;
      const [employee] = await claimPending(batch, level, 'todo');
      await recordLevelReached(db, input.employeeId, input.workDate, level);
      if (!employee) return { sent: false };
      // The nearest HR contact up the tree, else company-wide HR.
      const { people: hr } = await reviewersFor(db, input.departmentId, 'hr', input.employeeId);
      const hrUnionIds = hr.flatMap((p) => (p.dingtalk_union_id ? [p.dingtalk_union_id] : []));
      const [creator] = hrUnionIds;
      if (!creator) {
        logger.warn({ departmentId: input.departmentId }, 'no HR anywhere up the tree: level 3 skipped');
        await markReminders(
          db,
          input.workDate,
          level,
          [employee.id],
          'skipped',
          null,
          'no HR contact anywhere up the tree and no company-wide HR',
        );
        return { sent: false };
      }
      const ok = await send(
        input.workDate,
        level,
        [employee.id],
        async () => {
          const task = await dingtalk.createTodo(
            creator,
            hrCallTask(input.workDate, employee, hrUnionIds, input.dueAt, link(input.workDate)),
          );
          // DING phone calls are a paid DingTalk add-on: only when the policy and a robot code allow it.
          if (input.dingPhoneCall && config.dingtalk.dingRobotCode) {
            await dingtalk.sendDing({
              robotCode: config.dingtalk.dingRobotCode,
              remindType: 3,
              receiverUserIdList: hr.map((p) => p.dingtalk_user_id),
              content: `请电话联系 ${employee.name}（${employee.department_name}）完成今日健康打卡`,
            });
          }
          return task.id;
        },
        input.until,
      );
      return { sent: ok };
    },
  };

  return {
    ...levels,

    /**
     * The department ladder's step: sends `level` to everyone of the department whose day is still
     * pending in Postgres and whose instant for that level has come, in as few calls as DingTalk
     * allows (100 people per work notification, one group post for the department). One activity
     * per department and instant replaces an activity per employee. `batchKey` is the same on every
     * attempt, so a retry resumes the rows this step claimed and never sends a level twice.
     */
    async remindDepartment(input: {
      departmentId: number;
      workDate: string;
      level: ReminderLevel;
      batchKey: string;
      /** the ladder's deadline (ISO; absent in ladders started before deadlines) */
      until?: string;
    }): Promise<{ due: number; sent: number }> {
      const { departmentId, workDate, level, batchKey, until } = input;
      if (until && Date.now() > Date.parse(until)) throw pastDeadline(until);
      Context.current().heartbeat();
      const days = await pendingDaysDueForLevel(db, workDate, departmentId, level);
      if (days.length === 0) return { due: 0, sent: 0 };
      const employeeIds = days.map((d) => d.employeeId);
      await recordLevelReachedFor(db, workDate, employeeIds, level);
      Context.current().heartbeat();
      logger.info(
        { workDate, departmentId, level, levelName: reminderLevelName[level], due: days.length },
        'reminder level due',
      );
      const batch = { departmentId, workDate, employeeIds, batchKey, until };
      if (level === ReminderLevels.notifyEmployee) {
        return { due: days.length, ...(await levels.notifyEmployees(batch)) };
      }
      if (level === ReminderLevels.mentionManager) {
        return { due: days.length, sent: (await levels.mentionManager(batch)).sent };
      }
      // One to-do per person (HR phones each one): a few at a time, heartbeating the count.
      let sent = 0;
      let next = 0;
      const one = async () => {
        while (next < days.length) {
          const d = days[next++] as (typeof days)[number];
          const r = await levels.createHrCallTask({
            employeeId: d.employeeId,
            departmentId,
            workDate,
            dueAt: d.closesAt,
            dingPhoneCall: d.dingPhoneCall,
            until,
          });
          if (r.sent) sent++;
          Context.current().heartbeat(sent);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, days.length) }, one));
      return { due: days.length, sent };
    },

    /**
     * The ladder's last word on a level it could not finish by its deadline: everyone of the
     * department still owed it (due, not submitted, not exempt) is recorded as not sent ('failed',
     * or 'unknown' where DingTalk's answer to a call was never read), with the reason. With
     * `employeeIds` (a "remind now" batch) those people are the ones owed.
     */
    async expireDepartmentLevel(input: {
      departmentId: number;
      workDate: string;
      level: ReminderLevel | typeof MANUAL_REMINDER_LEVEL;
      batchKey: string;
      reason: string;
      employeeIds?: number[];
    }): Promise<{ failed: number; unknown: number }> {
      const { departmentId, workDate, level } = input;
      const candidates =
        input.employeeIds ??
        (level === MANUAL_REMINDER_LEVEL
          ? []
          : (await pendingDaysDueForLevel(db, workDate, departmentId, level)).map((d) => d.employeeId));
      const submitted = await submittedAmong(db, workDate, candidates);
      const exempt = await exemptAmong(db, workDate, candidates);
      const owed = candidates.filter((id) => !submitted.has(id) && !exempt.has(id));
      let channel = 'work_notification';
      if (level === ReminderLevels.hrCallTask) channel = 'todo';
      if (level === ReminderLevels.mentionManager) {
        const dept = await findDepartmentContacts(db, departmentId);
        channel = dept?.webhook_token ? 'group_robot' : 'manager_notification';
      }
      const r = await expireReminders(db, { ...input, channel, owed });
      logger.error(
        { workDate, departmentId, level, ...r, reason: input.reason },
        'reminder level not sent by its deadline',
      );
      return r;
    },
  };
}
