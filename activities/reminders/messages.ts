// What each reminder level says. DingTalk drops identical content sent to the same person twice
// in a day, so every text carries the work date and the level.
import type { ActionCardMsg, RobotTextMsg, TodoTask } from '../../dingtalk/types.ts';
import { signLinkToken } from '../../platform/link-token.ts';

/**
 * The page for a work day. Messages shared by many recipients (the level-1 card goes to 100 people
 * per call) carry the bare link: opened in DingTalk, the page identifies the reader by 免登.
 */
export function checkinLink(publicBaseUrl: string, workDate: string, linkToken?: string): string {
  return `${publicBaseUrl}/checkin?date=${workDate}${linkToken ? `&t=${linkToken}` : ''}`;
}

/** A message to one employee also carries their signed link token, so it opens outside DingTalk too. */
export function personalCheckinLink(
  api: { publicBaseUrl: string; sessionSecret: string },
  employeeId: number,
  workDate: string,
  lateUntil?: Date,
): string {
  return checkinLink(
    api.publicBaseUrl,
    workDate,
    signLinkToken(api.sessionSecret, employeeId, workDate, lateUntil),
  );
}

export function employeeReminderCard(workDate: string, link: string): ActionCardMsg {
  return {
    msgtype: 'action_card',
    action_card: {
      title: `健康打卡提醒 ${workDate}`,
      markdown: `### 每日健康打卡（${workDate}）\n\n您今天还没有提交健康打卡，请尽快填写体温与健康码。\n\n提醒级别：1/3（工作通知）`,
      single_title: '立即打卡',
      single_url: link,
    },
  };
}

export function managerMentionText(
  workDate: string,
  departmentName: string,
  managerUserIds: readonly string[],
  pendingNames: string[],
): RobotTextMsg {
  const at = managerUserIds.map((id) => `@${id} `).join('');
  return {
    msgtype: 'text',
    text: {
      content:
        `${at}【健康打卡催办 ${workDate} · 提醒级别 2/3】${departmentName} 以下 ${pendingNames.length} 位同事尚未完成今日健康打卡：` +
        `${pendingNames.join('、')}。请主管提醒跟进。`,
    },
    at: { atUserIds: [...managerUserIds], isAtAll: false },
  };
}

/** DingTalk refuses a work notification whose `msg` JSON is longer than this (UTF-8 bytes). */
export const WORK_NOTIFICATION_MSG_MAX_BYTES = 2048;

export const msgBytes = (msg: unknown): number => Buffer.byteLength(JSON.stringify(msg), 'utf8');

function fallbackCard(
  workDate: string,
  departmentName: string,
  names: string[],
  total: number,
  link: string,
  part?: { n: number; of: number },
): ActionCardMsg {
  const partLabel = part ? `（${part.n}/${part.of}）` : '';
  return {
    msgtype: 'action_card',
    action_card: {
      title: `健康打卡催办 ${workDate}${partLabel}`,
      markdown:
        `### ${departmentName} 健康打卡催办（${workDate}）${partLabel}\n\n提醒级别：2/3。共 ${total} 位同事尚未打卡` +
        `${part ? `，本条列出 ${names.length} 位` : ''}：\n\n` +
        names.map((n) => `- ${n}`).join('\n'),
      single_title: '查看未打卡名单',
      single_url: link,
    },
  };
}

/**
 * Used when the department has no group robot (or its post's outcome is unknown): the manager gets
 * work notifications instead, as many as DingTalk's 2,048-byte `msg` limit needs, each naming a
 * part of the list and all of them the total.
 */
export function managerFallbackCards(
  workDate: string,
  departmentName: string,
  pendingNames: string[],
  link: string,
): ActionCardMsg[] {
  const total = pendingNames.length;
  const whole = fallbackCard(workDate, departmentName, pendingNames, total, link);
  if (msgBytes(whole) <= WORK_NOTIFICATION_MSG_MAX_BYTES) return [whole];
  // Packed against the widest part label, so numbering the parts afterwards cannot overflow one.
  const widest = { n: 999, of: 999 };
  const parts: string[][] = [];
  let current: string[] = [];
  for (const name of pendingNames) {
    const trial = [...current, name];
    const fits =
      msgBytes(fallbackCard(workDate, departmentName, trial, total, link, widest)) <=
      WORK_NOTIFICATION_MSG_MAX_BYTES;
    if (fits || current.length === 0) current = trial;
    else {
      parts.push(current);
      current = [name];
    }
  }
  parts.push(current);
  return parts.map((names, i) =>
    fallbackCard(workDate, departmentName, names, total, link, { n: i + 1, of: parts.length }),
  );
}

export function hrCallTask(
  workDate: string,
  employee: { id: number; name: string; mobile: string | null; department_name: string },
  hrUnionIds: readonly string[],
  dueAt: string,
  link: string,
): TodoTask {
  return {
    sourceId: `health-checkin-${workDate}-${employee.id}-L3`,
    subject: `【健康打卡 ${workDate}】请电话联系 ${employee.name}（${employee.department_name}）`,
    description: `${employee.name}（${employee.department_name}）今日尚未完成健康打卡，已经过工作通知与主管提醒。联系电话：${employee.mobile ?? '未登记'}。提醒级别 3/3。`,
    dueTime: Date.parse(dueAt),
    executorIds: [...hrUnionIds],
    detailUrl: { appUrl: link, pcUrl: link },
    isOnlyShowExecutor: true,
    priority: 40,
    notifyConfigs: { dingNotify: '1' },
  };
}
