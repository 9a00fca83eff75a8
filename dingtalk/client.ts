// DingTalk Open API client: token fetch and cache, the endpoints we use, errors mapped.
// Talks to the real API or to the local fake; only the base URLs differ.
import {
  DingTalkError,
  TOKEN_ERRCODES,
  errorFromOapi,
  errorFromV1,
  isThrottleAnswer,
  isThrottling,
} from './errors.ts';
import { robotSignature } from './robot-sign.ts';
import type {
  DingSend,
  DingTalkApi,
  LeaveStatus,
  RobotMsg,
  SendResult,
  TodoTask,
  UserInfoByCode,
  WorkNotificationMsg,
} from './types.ts';

export interface DingTalkClientOptions {
  oapiUrl: string;
  apiUrl: string;
  appKey: string;
  appSecret: string;
  agentId: string;
  timeoutMs?: number;
  /**
   * Calls per second per API this client allows itself. DingTalk's limit depends on the company's
   * edition (standard 20/s, professional 40/s); the default is the standard one.
   */
  maxQpsPerApi?: number;
  /** told about every throttling answer (90018, 90002, 410100, HTTP 429), with the running count */
  onThrottled?: (api: string, errcode: number | string, count: number) => void;
  /**
   * told about every answered (or unanswered) call: its errcode as a string ("0" on success, the
   * oapi errcode, the v1 code or HTTP status, "network", "bad_response"), its duration including
   * the wait for the QPS limit, and whether it was a throttling answer (platform/metrics.ts)
   */
  onCall?: (api: string, errcode: string, seconds: number, throttled: boolean) => void;
  /** runs each call inside it (a tracing span: platform/tracing.ts) */
  aroundCall?: <T>(api: string, call: () => Promise<T>) => Promise<T>;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

type OapiBody = { errcode?: number; errmsg?: string } & Record<string, unknown>;

export class DingTalkClient implements DingTalkApi {
  private oapiToken: CachedToken | undefined;
  private v1Token: CachedToken | undefined;
  private readonly timeoutMs: number;
  private readonly maxPerSecond: number;
  private readonly minGapMs: number;
  /** earliest time the next call to each API path may start */
  private readonly nextSlot = new Map<string, number>();
  /** start times of the calls to each API path in the last second */
  private readonly recent = new Map<string, number[]>();
  /** throttling answers per API since start (surfaced in logs; a rising count means lower the QPS) */
  readonly throttled = new Map<string, number>();

  constructor(private readonly opts: DingTalkClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxPerSecond = opts.maxQpsPerApi ?? 20;
    this.minGapMs = 1000 / this.maxPerSecond;
  }

  /**
   * Spaces calls to one API evenly, and never lets more than the limit start within any one
   * second: timers that fire late on a busy machine would otherwise bunch the spaced calls.
   */
  private async pace(api: string): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(api) ?? 0);
    this.nextSlot.set(api, slot + this.minGapMs);
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
    for (;;) {
      const t = Date.now();
      const times = (this.recent.get(api) ?? []).filter((x) => x > t - 1000);
      if (times.length < this.maxPerSecond) {
        times.push(t);
        this.recent.set(api, times);
        return;
      }
      await new Promise((r) => setTimeout(r, (times[0] ?? t) + 1001 - t));
    }
  }

  private http(url: string, init: RequestInit, api: string): Promise<{ status: number; body: unknown }> {
    const run = async () => {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const answer = await this.answer(url, init, api);
        if (this.opts.onCall) {
          const errcode = answerCode(answer.status, answer.body);
          this.opts.onCall(api, errcode, seconds(), isThrottleAnswer(answer.status, errcode));
        }
        return answer;
      } catch (err) {
        if (err instanceof DingTalkError) this.opts.onCall?.(api, String(err.errcode), seconds(), false);
        throw err;
      }
    };
    return this.opts.aroundCall ? this.opts.aroundCall(api, run) : run();
  }

  private async answer(
    url: string,
    init: RequestInit,
    api: string,
  ): Promise<{ status: number; body: unknown }> {
    await this.pace(api);
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // No answer was read: DingTalk may or may not have acted on the call (except when the
      // connection was refused, i.e. the request never left this machine).
      const refused = (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      throw new DingTalkError(api, 'network', (err as Error).message, true, undefined, !refused);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new DingTalkError(api, 'network', (err as Error).message, true, res.status, true);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new DingTalkError(
        api,
        'bad_response',
        `HTTP ${res.status}: ${text.slice(0, 200)}`,
        res.status >= 500,
        res.status,
      );
    }
    return { status: res.status, body };
  }

  /** Counts and reports a throttling answer before it is thrown. */
  private throttle(err: DingTalkError): DingTalkError {
    if (isThrottling(err)) {
      const count = (this.throttled.get(err.api) ?? 0) + 1;
      this.throttled.set(err.api, count);
      this.opts.onThrottled?.(err.api, err.errcode, count);
    }
    return err;
  }

  private async legacyToken(force = false): Promise<string> {
    if (!force && this.oapiToken && this.oapiToken.expiresAt > Date.now()) return this.oapiToken.value;
    const q = new URLSearchParams({ appkey: this.opts.appKey, appsecret: this.opts.appSecret });
    const { body } = await this.http(
      `${this.opts.oapiUrl}/gettoken?${q.toString()}`,
      { method: 'GET' },
      'gettoken',
    );
    const b = body as OapiBody & { access_token?: string; expires_in?: number };
    if (b.errcode !== 0 || !b.access_token) throw errorFromOapi('gettoken', b.errcode ?? -1, b.errmsg ?? '');
    // Refresh five minutes early so a token never expires mid-batch.
    this.oapiToken = { value: b.access_token, expiresAt: Date.now() + ((b.expires_in ?? 7200) - 300) * 1000 };
    return b.access_token;
  }

  private async newApiToken(force = false): Promise<string> {
    if (!force && this.v1Token && this.v1Token.expiresAt > Date.now()) return this.v1Token.value;
    const { status, body } = await this.http(
      `${this.opts.apiUrl}/v1.0/oauth2/accessToken`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appKey: this.opts.appKey, appSecret: this.opts.appSecret }),
      },
      'oauth2/accessToken',
    );
    const b = body as { accessToken?: string; expireIn?: number; code?: string; message?: string };
    if (status !== 200 || !b.accessToken) {
      throw errorFromV1('oauth2/accessToken', status, b.code ?? 'unknown', b.message ?? '');
    }
    this.v1Token = { value: b.accessToken, expiresAt: Date.now() + ((b.expireIn ?? 7200) - 300) * 1000 };
    return b.accessToken;
  }

  /** POST to an oapi.dingtalk.com endpoint authenticated with ?access_token= */
  private async oapiPost(path: string, payload: unknown): Promise<OapiBody> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.legacyToken(attempt > 0);
      const { body } = await this.http(
        `${this.opts.oapiUrl}${path}?access_token=${encodeURIComponent(token)}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
        path,
      );
      const b = body as OapiBody;
      if (b.errcode === 0) return b;
      if (attempt === 0 && TOKEN_ERRCODES.has(b.errcode ?? 0)) continue;
      throw this.throttle(errorFromOapi(path, b.errcode ?? -1, b.errmsg ?? 'no errcode'));
    }
  }

  /** POST to an api.dingtalk.com v1.0 endpoint authenticated with x-acs-dingtalk-access-token */
  private async v1Post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.newApiToken(attempt > 0);
      const { status, body } = await this.http(
        `${this.opts.apiUrl}${path}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
          body: JSON.stringify(payload),
        },
        path,
      );
      const b = body as Record<string, unknown>;
      if (status >= 200 && status < 300) return b;
      if (attempt === 0 && status === 401) continue;
      throw this.throttle(
        errorFromV1(
          path,
          status,
          typeof b.code === 'string' ? b.code : `${status}`,
          typeof b.message === 'string' ? b.message : '',
        ),
      );
    }
  }

  async sendWorkNotification(userIds: string[], msg: WorkNotificationMsg): Promise<{ taskId: number }> {
    if (userIds.length === 0 || userIds.length > 100) throw new RangeError('1–100 recipients per call');
    const b = await this.oapiPost('/topapi/message/corpconversation/asyncsend_v2', {
      agent_id: Number(this.opts.agentId),
      userid_list: userIds.join(','),
      msg,
    });
    return { taskId: Number(b.task_id) };
  }

  /** Who read, has not read, or never got a work notification (DingTalk keeps this per task). */
  async getSendResult(taskId: number): Promise<SendResult> {
    const b = await this.oapiPost('/topapi/message/corpconversation/getsendresult', {
      agent_id: Number(this.opts.agentId),
      task_id: taskId,
    });
    const r = (b.send_result ?? {}) as Record<string, unknown>;
    const ids = (k: string) => (Array.isArray(r[k]) ? (r[k] as unknown[]).map(String) : []);
    const forbidden = Array.isArray(r.forbidden_list) ? (r.forbidden_list as { userid?: string }[]) : [];
    return {
      read: ids('read_user_id_list'),
      unread: ids('unread_user_id_list'),
      failed: ids('failed_user_id_list'),
      invalid: ids('invalid_user_id_list'),
      forbidden: [
        ...new Set([
          ...ids('forbidden_user_id_list'),
          ...forbidden.flatMap((f) => (f.userid ? [f.userid] : [])),
        ]),
      ],
    };
  }

  async sendRobotMessage(
    robot: { webhookToken: string; signingSecret: string | null },
    msg: RobotMsg,
  ): Promise<void> {
    const q = new URLSearchParams({ access_token: robot.webhookToken });
    if (robot.signingSecret) {
      const ts = Date.now();
      q.set('timestamp', String(ts));
      q.set('sign', robotSignature(ts, robot.signingSecret));
    }
    const { body } = await this.http(
      `${this.opts.oapiUrl}/robot/send?${q.toString()}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg) },
      'robot/send',
    );
    const b = body as OapiBody;
    if (b.errcode !== 0) throw this.throttle(errorFromOapi('robot/send', b.errcode ?? -1, b.errmsg ?? ''));
  }

  async createTodo(creatorUnionId: string, task: TodoTask): Promise<{ id: string }> {
    const path = `/v1.0/todo/users/${encodeURIComponent(creatorUnionId)}/tasks?operatorId=${encodeURIComponent(creatorUnionId)}`;
    const b = await this.v1Post(path, task);
    return { id: String(b.id) };
  }

  async sendDing(req: DingSend): Promise<{ openDingId: string }> {
    const b = await this.v1Post('/v1.0/robot/ding/send', req);
    return { openDingId: String(b.openDingId) };
  }

  async getLeaveStatus(userIds: string[], startMs: number, endMs: number): Promise<LeaveStatus[]> {
    if (userIds.length === 0) return [];
    if (userIds.length > 100) throw new RangeError('at most 100 users per call');
    const out: LeaveStatus[] = [];
    for (let offset = 0; ; offset += 20) {
      const b = await this.oapiPost('/topapi/attendance/getleavestatus', {
        userid_list: userIds.join(','),
        start_time: startMs,
        end_time: endMs,
        offset,
        size: 20,
      });
      const r = (b.result ?? {}) as { has_more?: boolean; leave_status?: LeaveStatus[] };
      out.push(...(r.leave_status ?? []));
      if (!r.has_more) return out;
    }
  }

  /** Scan-to-log-in: the OAuth code from login.dingtalk.com → the user's unionId → their userid. */
  async getUserIdByLoginCode(code: string): Promise<string> {
    const { status, body } = await this.http(
      `${this.opts.apiUrl}/v1.0/oauth2/userAccessToken`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: this.opts.appKey,
          clientSecret: this.opts.appSecret,
          code,
          grantType: 'authorization_code',
        }),
      },
      'oauth2/userAccessToken',
    );
    const t = body as { accessToken?: string; code?: string; message?: string };
    if (status !== 200 || !t.accessToken)
      throw errorFromV1('oauth2/userAccessToken', status, t.code ?? 'unknown', t.message ?? '');
    const me = await this.http(
      `${this.opts.apiUrl}/v1.0/contact/users/me`,
      { method: 'GET', headers: { 'x-acs-dingtalk-access-token': t.accessToken } },
      'contact/users/me',
    );
    const m = me.body as { unionId?: string; code?: string; message?: string };
    if (me.status !== 200 || !m.unionId)
      throw errorFromV1('contact/users/me', me.status, m.code ?? 'unknown', m.message ?? '');
    const b = await this.oapiPost('/topapi/user/getbyunionid', { unionid: m.unionId });
    const userid = (b.result as { userid?: string } | undefined)?.userid;
    if (!userid) throw new DingTalkError('getbyunionid', 'no_user', 'unionId is not in this company', false);
    return userid;
  }

  async getUserInfoByCode(code: string): Promise<UserInfoByCode> {
    const b = await this.oapiPost('/topapi/v2/user/getuserinfo', { code });
    const r = (b.result ?? {}) as { userid?: string; unionid?: string; name?: string };
    if (!r.userid) throw new DingTalkError('getuserinfo', 'no_user', 'code did not resolve to a user', false);
    return { userid: r.userid, unionid: r.unionid ?? null, name: r.name ?? null };
  }
}

/** The errcode of an answer for the call counter: the oapi errcode, else "0" for 2xx, else the v1 code or status. */
function answerCode(status: number, body: unknown): string {
  const b = (body ?? {}) as { errcode?: unknown; code?: unknown };
  if (typeof b.errcode === 'number') return String(b.errcode);
  if (status >= 200 && status < 300) return '0';
  return typeof b.code === 'string' && b.code.length <= 64 ? b.code : String(status);
}
