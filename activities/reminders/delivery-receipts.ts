// DingTalk's per-person delivery and read state of work-notification reminders (getsendresult),
// stored on the reminder rows so HR sees 已读/未读 next to each reminder.
import { Context } from '@temporalio/activity';
import { findRemindersByTask, recordDelivery } from '../../db/repositories/reminders.ts';
import type { ReminderDelivery } from '../../db/database.ts';
import type { SendResult } from '../../dingtalk/types.ts';
import { toRetryableFailure } from '../dingtalk-failure.ts';
import type { ActivityDeps } from '../deps.ts';
import { reminderReceiptsTotal } from '../../platform/metrics.ts';

/** A userid's state in one task's result; unknown userids (invalid) count as failed. */
export function deliveryOf(result: SendResult, userId: string): ReminderDelivery | null {
  if (result.read.includes(userId)) return 'read';
  if (result.unread.includes(userId)) return 'unread';
  if (result.failed.includes(userId) || result.invalid.includes(userId)) return 'failed';
  if (result.forbidden.includes(userId)) return 'forbidden';
  return null; // DingTalk has not processed this recipient yet
}

export function createDeliveryReceiptActivities({ db, dingtalk }: ActivityDeps) {
  return {
    /** Records each recipient's state; returns how many rows may still change (not yet read or final). */
    async recordDeliveryReceipts(input: {
      workDate: string;
      level: number;
      taskIds: string[];
    }): Promise<{ open: number }> {
      let open = 0;
      for (const taskId of input.taskIds) {
        let result: SendResult;
        Context.current().heartbeat();
        try {
          result = await dingtalk.getSendResult(Number(taskId));
        } catch (err) {
          throw toRetryableFailure(err);
        }
        const rows = await findRemindersByTask(db, input.workDate, input.level, taskId);
        // The manager's level-2 notification went to the manager alone: its state is theirs.
        const managerState = (['read', 'unread', 'failed', 'forbidden'] as const).find(
          (k) => (k === 'failed' ? [...result.failed, ...result.invalid] : result[k]).length > 0,
        );
        const byState = new Map<ReminderDelivery, number[]>();
        for (const row of rows) {
          const state =
            row.channel === 'manager_notification'
              ? (managerState ?? null)
              : deliveryOf(result, row.dingtalk_user_id);
          if (state === null || state === 'unread') open++;
          if (state) byState.set(state, [...(byState.get(state) ?? []), row.employee_id]);
        }
        for (const [state, ids] of byState) {
          await recordDelivery(db, input.workDate, input.level, ids, state);
          reminderReceiptsTotal.inc({ level: String(input.level), delivery: state }, ids.length);
        }
      }
      return { open };
    },
  };
}
