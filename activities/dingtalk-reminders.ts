// The three reminder levels as DingTalk calls. Each claims its reminder rows first, so a retried
// or resumed activity never sends a level to someone twice, and re-checks Postgres for submissions.
import { Context } from '@temporalio/activity';
import { claimReminders, markReminders } from '../db/repositories/reminders.ts';
import { findDepartmentContacts, findEmployeesByIds } from '../db/repositories/org.ts';
import { reviewersFor } from '../db/repositories/reviewer-routing.ts';
import { exemptAmong, submittedAmong } from '../db/repositories/records.ts';
import { recordLevelReached } from '../db/repositories/checkin-days.ts';
import {
  checkinLink,
  employeeReminderCard,
  hrCallTask,
  managerFallbackCard,
  managerMentionText,
} from './reminder-messages.ts';
import { isPermanentDingTalkError, toRetryableFailure } from './dingtalk-failure.ts';
import type { ActivityDeps } from './deps.ts';

interface BatchInput {
  departmentId: number;
  workDate: string;
  employeeIds: number[];
  batchKey: string;
}

const chunk = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export function createReminderActivities({ db, dingtalk, config, logger }: ActivityDeps) {
  const link = (workDate: string) => checkinLink(config.api.publicBaseUrl, workDate);

  /**
   * Claims rows for those still pending; returns the employees this attempt must send to. Rows an
   * earlier attempt left mid-call are sent again only on channels where DingTalk drops the repeat
   * (work notifications with the same content, to-dos with the same sourceId); a group-robot
   * message may already be in the group, so those rows become 'unknown' instead of a second post.
   */
  async function claimPending(input: BatchInput, level: number, channel: string) {
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
    const uncertain = idempotent ? [] : owned.filter((o) => o.status === 'sending').map((o) => o.employeeId);
    if (uncertain.length) {
      logger.warn(
        { workDate: input.workDate, level, employeeIds: uncertain },
        'delivery unknown after a crash; not re-posting',
      );
      await markReminders(
        db,
        input.workDate,
        level,
        uncertain,
        'unknown',
        null,
        'worker died during the call',
      );
    }
    return findEmployeesByIds(
      db,
      owned.filter((o) => !uncertain.includes(o.employeeId)).map((o) => o.employeeId),
    );
  }

  /** Runs a DingTalk call; permanent errors mark the rows failed (the day goes on), others retry. */
  async function send(
    workDate: string,
    level: number,
    ids: number[],
    call: () => Promise<string | null>,
  ): Promise<boolean> {
    try {
      await markReminders(db, workDate, level, ids, 'sending', null);
      const externalId = await call();
      await markReminders(db, workDate, level, ids, 'sent', externalId);
      return true;
    } catch (err) {
      if (isPermanentDingTalkError(err)) {
        logger.error({ err, workDate, level, employeeIds: ids }, 'DingTalk refused the reminder');
        await markReminders(db, workDate, level, ids, 'failed', null, err.message);
        return false;
      }
      throw toRetryableFailure(err);
    }
  }

  return {
    /** Level 1 (or 0, "remind now"): one work notification (action card) per 100 pending employees. */
    async notifyEmployees(input: BatchInput & { level?: 0 | 1 }): Promise<{ sent: number }> {
      const level = input.level ?? 1;
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
      const employees = await claimPending(input, 2, channel);
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
          2,
          ids,
          'skipped',
          null,
          'no robot, and no manager or HR anywhere up the tree',
        );
        return { sent: 0, channel };
      }
      const ok = await send(input.workDate, 2, ids, async () => {
        if (dept.webhook_token) {
          await dingtalk.sendRobotMessage(
            { webhookToken: dept.webhook_token, signingSecret: dept.signing_secret },
            managerMentionText(input.workDate, dept.name, managerUserIds, names),
          );
          return null;
        }
        const r = await dingtalk.sendWorkNotification(
          managerUserIds,
          managerFallbackCard(input.workDate, dept.name, names, link(input.workDate)),
        );
        return String(r.taskId);
      });
      return { sent: ok ? ids.length : 0, channel };
    },

    /** Level 3: a DingTalk to-do for the nearest HR (up the tree, else company-wide) to phone the employee. */
    async createHrCallTask(input: {
      employeeId: number;
      departmentId: number;
      workDate: string;
      dueAt: string;
      dingPhoneCall: boolean;
    }): Promise<{ sent: boolean }> {
      const batch = {
        ...input,
        employeeIds: [input.employeeId],
        batchKey: `hr-call/${input.workDate}/${input.employeeId}`,
      };
      const [employee] = await claimPending(batch, 3, 'todo');
      await recordLevelReached(db, input.employeeId, input.workDate, 3);
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
          3,
          [employee.id],
          'skipped',
          null,
          'no HR contact anywhere up the tree and no company-wide HR',
        );
        return { sent: false };
      }
      const ok = await send(input.workDate, 3, [employee.id], async () => {
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
      });
      return { sent: ok };
    },
  };
}
