// Payload shapes of the DingTalk Open API endpoints we use (field names as DingTalk spells them).

export interface ActionCardMsg {
  msgtype: 'action_card';
  action_card: { title: string; markdown: string; single_title: string; single_url: string };
}
export interface TextMsg {
  msgtype: 'text';
  text: { content: string };
}
export type WorkNotificationMsg = ActionCardMsg | TextMsg;

export interface RobotTextMsg {
  msgtype: 'text';
  text: { content: string };
  at: { atUserIds: string[]; atMobiles?: string[]; isAtAll: boolean };
}
export interface RobotMarkdownMsg {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at: { atUserIds: string[]; atMobiles?: string[]; isAtAll: boolean };
}
export type RobotMsg = RobotTextMsg | RobotMarkdownMsg;

export interface TodoTask {
  sourceId: string;
  subject: string;
  description?: string;
  /** ms since epoch */
  dueTime?: number;
  executorIds: string[];
  participantIds?: string[];
  detailUrl?: { appUrl: string; pcUrl: string };
  isOnlyShowExecutor?: boolean;
  priority?: 10 | 20 | 30 | 40;
  notifyConfigs?: { dingNotify?: '1' };
}

export interface DingSend {
  robotCode: string;
  /** 1 app, 2 SMS, 3 phone call */
  remindType: 1 | 2 | 3;
  receiverUserIdList: string[];
  content: string;
}

export interface UserInfoByCode {
  userid: string;
  unionid: string | null;
  name: string | null;
}

export interface LeaveStatus {
  userid: string;
  /** ms since epoch */
  start_time: number;
  end_time: number;
  duration_unit: 'percent_day' | 'percent_hour';
  duration_percent: number;
}

/** getsendresult: a work notification's recipients by state (userids) */
export interface SendResult {
  read: string[];
  unread: string[];
  failed: string[];
  /** userids DingTalk does not know */
  invalid: string[];
  /** not sent: over DingTalk's per-user limits (same content twice a day, 500 a day per app) */
  forbidden: string[];
}

export interface DingTalkApi {
  /** Approved leave overlapping [startMs, endMs] for up to 100 users (attendance permission needed). */
  getLeaveStatus(userIds: string[], startMs: number, endMs: number): Promise<LeaveStatus[]>;
  sendWorkNotification(userIds: string[], msg: WorkNotificationMsg): Promise<{ taskId: number }>;
  getSendResult(taskId: number): Promise<SendResult>;
  sendRobotMessage(
    robot: { webhookToken: string; signingSecret: string | null },
    msg: RobotMsg,
  ): Promise<void>;
  createTodo(creatorUnionId: string, task: TodoTask): Promise<{ id: string }>;
  sendDing(req: DingSend): Promise<{ openDingId: string }>;
  getUserInfoByCode(code: string): Promise<UserInfoByCode>;
  /** scan-to-log-in (OAuth on login.dingtalk.com): the code in the redirect → the user's userid */
  getUserIdByLoginCode(code: string): Promise<string>;
}
