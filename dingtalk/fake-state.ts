// In-memory state of the DingTalk fake: directory, robots, recorded messages, limits, faults.
import { randomBytes } from 'node:crypto';

export type FakeMessageKind = 'work_notification' | 'robot' | 'todo' | 'ding';

export interface FakeMessage {
  id: number;
  kind: FakeMessageKind;
  /** userids (work notification, ding), robot token (robot), unionIds (todo executors) */
  to: string[];
  /** recipients to whom DingTalk did not deliver because the same content reached them today */
  droppedDuplicates: string[];
  /** for robot messages: the atUserIds that actually fire (listed in at AND written as @id in the text) */
  mentionsFired: string[];
  title: string;
  text: string;
  link: string | null;
  payload: unknown;
  receivedAt: string;
  /** work notifications: DingTalk's task id, and what getsendresult reports for it */
  taskId?: number;
  /** userids that opened it (the viewer's open link, or POST /_fake/read) */
  readBy?: string[];
  /** userids DingTalk does not know: never delivered, reported as invalid */
  invalid?: string[];
}

/** DingTalk's limits; tests compress the time ones so a compressed day can hit and leave them. */
export interface FakeLimits {
  /** calls per second per API for the app (90018 beyond) */
  appQpsPerApi: number;
  /** robot posts per window per robot (410100 beyond) */
  robotPerMinute: number;
  /** the robot's sliding window, 60 s on DingTalk */
  robotWindowMs: number;
  /** after exceeding it, DingTalk refuses the robot's posts for 10 minutes */
  robotPenaltyMs: number;
  /** access token lifetime (expires_in 7200 s); expired tokens answer 42001 / HTTP 401 */
  tokenTtlMs: number;
}

export const DINGTALK_LIMITS: FakeLimits = {
  appQpsPerApi: 40,
  robotPerMinute: 20,
  robotWindowMs: 60_000,
  robotPenaltyMs: 600_000,
  tokenTtlMs: 7200_000,
};

/** The one app the fake knows (the config's defaults when no real DingTalk is configured). */
export interface FakeApp {
  appKey: string;
  appSecret: string;
  agentId: string;
}

export interface FakeFault {
  /** path prefix, e.g. /topapi/message/corpconversation/asyncsend_v2 */
  path: string;
  /** oapi errcode to answer with, or HTTP status >= 500 for a server error */
  errcode?: number;
  httpStatus?: number;
  /** process the call normally but answer this much later (a worker can die while waiting) */
  delayMs?: number;
  /** only calls whose JSON body contains this text (e.g. one recipient's userid); any call when absent */
  bodyIncludes?: string;
  remaining: number;
}

export class FakeDingTalkState {
  messages: FakeMessage[] = [];
  private nextId = 1;
  directory = new Map<string, { userid: string; unionid: string; name: string }>();
  robots = new Map<string, { secret: string | null; sentAt: number[]; blockedUntil?: number }>();
  authCodes = new Map<string, { userid: string; expiresAt: number }>();
  /** approved leave per userid, as DingTalk attendance would report it */
  leaves = new Map<string, { start_time: number; end_time: number }[]>();
  /** app access tokens → when they expire */
  tokens = new Map<string, number>();
  /** user access tokens from the scan-to-log-in code exchange → userid */
  userTokens = new Map<string, string>();
  faults: FakeFault[] = [];
  /** content hash per user per day, for DingTalk's "identical content once a day" rule */
  private deliveredContent = new Set<string>();
  private callTimes = new Map<string, number[]>();
  requests = 0;

  readonly limits: FakeLimits;

  constructor(
    limits: Partial<FakeLimits> = {},
    private readonly now: () => number = Date.now,
    readonly app: FakeApp = { appKey: 'fake-app-key', appSecret: 'fake-app-secret', agentId: '100001' },
  ) {
    this.limits = { ...DINGTALK_LIMITS, ...limits };
  }

  reset(): void {
    this.messages = [];
    this.deliveredContent.clear();
    this.callTimes.clear();
    this.faults = [];
    for (const r of this.robots.values()) {
      r.sentAt = [];
      r.blockedUntil = undefined;
    }
  }

  issueToken(): string {
    const t = randomBytes(16).toString('hex');
    this.tokens.set(t, this.now() + this.limits.tokenTtlMs);
    return t;
  }

  /** 'ok', or why DingTalk refuses the token */
  tokenState(token: string): 'ok' | 'expired' | 'invalid' {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return 'invalid';
    return expiresAt > this.now() ? 'ok' : 'expired';
  }

  /** Every token issued so far expires now (as DingTalk's do after 2 h, or when reissued elsewhere). */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  issueUserToken(userid: string): string {
    const t = randomBytes(16).toString('hex');
    this.userTokens.set(t, userid);
    return t;
  }

  issueAuthCode(userid: string): string {
    const code = randomBytes(12).toString('hex');
    this.authCodes.set(code, { userid, expiresAt: this.now() + 5 * 60_000 });
    return code;
  }

  /** Auth codes are single use and live five minutes, as DingTalk's do. */
  redeemAuthCode(code: string): string | undefined {
    const c = this.authCodes.get(code);
    this.authCodes.delete(code);
    return c && c.expiresAt > this.now() ? c.userid : undefined;
  }

  /** Sliding one-second window per API path; true when the call is over the app's QPS. */
  overQps(api: string): boolean {
    const t = this.now();
    const times = (this.callTimes.get(api) ?? []).filter((x) => x > t - 1000);
    times.push(t);
    this.callTimes.set(api, times);
    return times.length > this.limits.appQpsPerApi;
  }

  /**
   * 20 posts per sliding minute; the 21st is refused and so is every post for the next 10 minutes
   * (DingTalk's penalty), however few are sent meanwhile.
   */
  robotOverLimit(token: string): boolean {
    const robot = this.robots.get(token);
    if (!robot) return false;
    const t = this.now();
    if (robot.blockedUntil !== undefined && t < robot.blockedUntil) return true;
    robot.sentAt = robot.sentAt.filter((x) => x > t - this.limits.robotWindowMs);
    if (robot.sentAt.length >= this.limits.robotPerMinute) {
      robot.blockedUntil = t + this.limits.robotPenaltyMs;
      robot.sentAt = [];
      return true;
    }
    robot.sentAt.push(t);
    return false;
  }

  private nextTaskId = 700_000_001;

  issueTaskId(): number {
    return this.nextTaskId++;
  }

  /** getsendresult for a task: delivered recipients read or unread, duplicates forbidden, unknown invalid. */
  sendResult(taskId: number) {
    const m = this.messages.find((x) => x.kind === 'work_notification' && x.taskId === taskId);
    if (!m) return undefined;
    const readBy = new Set(m.readBy ?? []);
    return {
      read_user_id_list: m.to.filter((u) => readBy.has(u)),
      unread_user_id_list: m.to.filter((u) => !readBy.has(u)),
      failed_user_id_list: [] as string[],
      invalid_user_id_list: m.invalid ?? [],
      forbidden_user_id_list: m.droppedDuplicates,
      forbidden_list: m.droppedDuplicates.map((userid) => ({ code: '143105', count: 1, userid })),
      invalid_dept_id_list: [] as number[],
    };
  }

  /** A recipient opened a work notification; true when they were one of its recipients. */
  markRead(messageId: number, userId: string): boolean {
    const m = this.messages.find((x) => x.id === messageId);
    if (m?.kind !== 'work_notification' || !m.to.includes(userId)) return false;
    m.readBy = [...new Set([...(m.readBy ?? []), userId])];
    return true;
  }

  takeFault(path: string, body: unknown): FakeFault | undefined {
    const f = this.faults.find(
      (x) =>
        path.startsWith(x.path) &&
        x.remaining > 0 &&
        (x.bodyIncludes === undefined || JSON.stringify(body ?? {}).includes(x.bodyIncludes)),
    );
    if (f) f.remaining--;
    return f;
  }

  /** Splits recipients into delivered and dropped-as-duplicate for today's content. */
  dedupe(userIds: string[], content: string): { delivered: string[]; dropped: string[] } {
    const day = new Date(this.now() + 8 * 3600_000).toISOString().slice(0, 10); // DingTalk's day is Beijing time
    const delivered: string[] = [];
    const dropped: string[] = [];
    for (const u of userIds) {
      const key = `${day}|${u}|${content}`;
      if (this.deliveredContent.has(key)) dropped.push(u);
      else {
        this.deliveredContent.add(key);
        delivered.push(u);
      }
    }
    return { delivered, dropped };
  }

  record(m: Omit<FakeMessage, 'id' | 'receivedAt'>): FakeMessage {
    const full = { ...m, id: this.nextId++, receivedAt: new Date(this.now()).toISOString() };
    this.messages.push(full);
    return full;
  }
}
