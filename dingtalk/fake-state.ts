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
  robots = new Map<string, { secret: string | null; sentAt: number[] }>();
  authCodes = new Map<string, { userid: string; expiresAt: number }>();
  /** approved leave per userid, as DingTalk attendance would report it */
  leaves = new Map<string, { start_time: number; end_time: number }[]>();
  tokens = new Set<string>();
  /** user access tokens from the scan-to-log-in code exchange → userid */
  userTokens = new Map<string, string>();
  faults: FakeFault[] = [];
  /** content hash per user per day, for DingTalk's "identical content once a day" rule */
  private deliveredContent = new Set<string>();
  private callTimes = new Map<string, number[]>();
  requests = 0;

  constructor(
    readonly limits = { appQpsPerApi: 40, robotPerMinute: 20 },
    private readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.messages = [];
    this.deliveredContent.clear();
    this.callTimes.clear();
    this.faults = [];
    for (const r of this.robots.values()) r.sentAt = [];
  }

  issueToken(): string {
    const t = randomBytes(16).toString('hex');
    this.tokens.add(t);
    return t;
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

  robotOverLimit(token: string): boolean {
    const robot = this.robots.get(token);
    if (!robot) return false;
    const t = this.now();
    robot.sentAt = robot.sentAt.filter((x) => x > t - 60_000);
    if (robot.sentAt.length >= this.limits.robotPerMinute) return true;
    robot.sentAt.push(t);
    return false;
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
