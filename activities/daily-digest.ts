// The end-of-day digest: per department submitted / missed / anomalies / open reviews, one work
// notification per manager or HR contact covering all of their departments.
import { Context } from '@temporalio/activity';
import { findDingtalkUserIds, listDepartmentContactIds } from '../db/repositories/org.ts';
import { openReviewCountsByDepartment } from '../db/repositories/reviews.ts';
import type { ActionCardMsg } from '../dingtalk/types.ts';
import { toRetryableFailure } from './dingtalk-failure.ts';
import type { ActivityDeps } from './deps.ts';
import { summaryCells } from '../db/repositories/dashboard.ts';

export interface DepartmentDay {
  departmentId: number;
  name: string;
  expected: number;
  submitted: number;
  missed: number;
  anomalies: number;
  openReviews: number;
}

export function digestCard(workDate: string, rows: DepartmentDay[], link: string): ActionCardMsg {
  const lines = rows.map(
    (r) =>
      `- **${r.name}**：应打卡 ${r.expected}，已提交 ${r.submitted}，未提交 ${r.missed}，异常 ${r.anomalies}，待复核 ${r.openReviews}`,
  );
  return {
    msgtype: 'action_card',
    action_card: {
      title: `健康打卡日报 ${workDate}`,
      markdown: `### 健康打卡日报（${workDate}）\n\n${lines.join('\n')}`,
      single_title: '打开管理后台',
      single_url: link,
    },
  };
}

export function createDigestActivities({ db, dingtalk, config }: ActivityDeps) {
  return {
    async sendDailyDigests(input: { workDate: string }): Promise<{ recipients: number }> {
      // At close, whoever has no record is missed, whatever the day workflows have written yet;
      // people on leave or a trip are not expected (the same figures as the reports).
      const days = await summaryCells(db, { from: input.workDate, to: input.workDate }, 'all');
      const contacts = new Map((await listDepartmentContactIds(db)).map((d) => [d.id, d]));
      const open = new Map(
        (await openReviewCountsByDepartment(db, input.workDate)).map((r) => [r.department_id, r.n]),
      );
      const rows = days.map((d) => ({
        departmentId: d.department_id,
        name: d.department_name,
        manager_id: contacts.get(d.department_id)?.manager_id ?? null,
        hr_contact_id: contacts.get(d.department_id)?.hr_contact_id ?? null,
        expected: d.expected,
        submitted: d.submitted,
        anomalies: d.warnings + d.reds,
        openReviews: open.get(d.department_id) ?? 0,
      }));
      const byRecipient = new Map<number, DepartmentDay[]>();
      for (const r of rows) {
        const day: DepartmentDay = { ...r, missed: r.expected - r.submitted };
        for (const who of new Set([r.manager_id, r.hr_contact_id])) {
          if (who !== null) byRecipient.set(who, [...(byRecipient.get(who) ?? []), day]);
        }
      }
      if (byRecipient.size === 0) return { recipients: 0 };
      const people = await findDingtalkUserIds(db, [...byRecipient.keys()]);
      const link = `${config.api.publicBaseUrl}/admin/`;
      let sent = 0;
      for (const p of people) {
        try {
          // Identical content to the same person on the same day is dropped by DingTalk, so a retry cannot double it.
          await dingtalk.sendWorkNotification(
            [p.dingtalk_user_id],
            digestCard(input.workDate, byRecipient.get(p.id) ?? [], link),
          );
        } catch (err) {
          throw toRetryableFailure(err);
        }
        sent++;
        Context.current().heartbeat(sent);
      }
      return { recipients: sent };
    },
  };
}
