// What reviewers and employees are told about a review. Texts carry the review id and state, so
// DingTalk's same-content-once-a-day rule never swallows a different notice.
import type { ActionCardMsg, TodoTask } from '../dingtalk/types.ts';
import type { Severity } from '../domain/forms/form-definition.ts';
import type { DecidedReviewStatus } from '../domain/review-status.ts';

/**
 * The review page itself (react-admin's show route). Opened from the card inside DingTalk, the
 * admin UI signs the manager in by 免登 and the page fits a phone.
 */
export const reviewLink = (base: string, reviewId: number) => `${base}/admin/#/reviews/${reviewId}/show`;

const severityText = { normal: '正常', warning: '预警', red: '高危' } as const;

export interface ReviewSubject {
  reviewId: number;
  workDate: string;
  employeeName: string;
  departmentName: string;
  severity: Severity;
  reasons: string[];
}

export function reviewerCard(s: ReviewSubject, role: 'manager' | 'hr', link: string): ActionCardMsg {
  const who = role === 'manager' ? '请主管复核' : '主管未及时处理，已升级至 HR 复核';
  return {
    msgtype: 'action_card',
    action_card: {
      title: `健康异常复核 #${s.reviewId}（${severityText[s.severity]}）`,
      markdown:
        `### 健康异常复核 #${s.reviewId}\n\n${s.employeeName}（${s.departmentName}）${s.workDate} 的健康打卡异常：` +
        `${s.reasons.join('；') || severityText[s.severity]}。\n\n${who}：通过 / 驳回 / 要求复测。`,
      single_title: '去复核',
      single_url: link,
    },
  };
}

export function reviewerTodo(
  s: ReviewSubject,
  role: 'manager' | 'hr',
  executorUnionId: string,
  link: string,
): TodoTask {
  return {
    sourceId: `health-review-${s.reviewId}-${role}`,
    subject: `【健康异常复核 #${s.reviewId}】${s.employeeName}（${s.departmentName}）${s.workDate}`,
    description: `${s.reasons.join('；')}。${role === 'hr' ? '主管未在时限内处理，已升级。' : ''}`,
    executorIds: [executorUnionId],
    detailUrl: { appUrl: link, pcUrl: link },
    isOnlyShowExecutor: true,
    priority: s.severity === 'red' ? 40 : 20,
  };
}

export function employeeOutcomeCard(
  s: ReviewSubject,
  status: DecidedReviewStatus,
  comment: string | null,
  checkinLink: string,
): ActionCardMsg {
  const text = {
    approved: '复核已通过',
    rejected: '复核未通过，请按公司防疫要求居家观察并联系主管',
    recheck_requested: '主管要求您重新测量并再次提交今日健康打卡',
  }[status];
  return {
    msgtype: 'action_card',
    action_card: {
      title: `健康打卡复核结果 #${s.reviewId}`,
      markdown: `### ${s.workDate} 健康打卡复核 #${s.reviewId}\n\n${text}。${comment ? `\n\n备注：${comment}` : ''}`,
      single_title: status === 'recheck_requested' ? '重新提交' : '查看',
      single_url: checkinLink,
    },
  };
}
