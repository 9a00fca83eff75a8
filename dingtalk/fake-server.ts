// A local DingTalk: the Open API endpoints we call, with DingTalk's payload shapes, errcodes and
// limits, recording every message. Used by tests and by `npm start` (viewer at /_fake/).
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { robotSignature } from './robot-sign.ts';
import { FakeDingTalkState, type FakeLimits, type FakeMessage } from './fake-state.ts';
import { renderViewer } from './fake-viewer.ts';

type Json = Record<string, unknown>;

/** asyncsend_v2 refuses a `msg` whose JSON is longer than this many UTF-8 bytes */
const WORK_NOTIFICATION_MSG_LIMIT = 2048;

/** A request value as text: strings and numbers as they are, anything else as empty. */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? `${v}` : '');

const oapiError = (res: Response, errcode: number, errmsg: string) =>
  res.json({ errcode, errmsg, request_id: `fake-${Date.now()}` });
const v1Error = (res: Response, status: number, code: string, message: string) =>
  res.status(status).json({ code, message, requestid: `fake-${Date.now()}` });

export function createFakeDingTalkApp(state: FakeDingTalkState): express.Express {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use((req, _res, next) => {
    state.requests++;
    next();
  });

  // Injected faults and per-app QPS apply to every Open API path.
  app.use((req, res, next) => {
    if (req.path.startsWith('/_fake')) return next();
    const fault = state.takeFault(req.path, req.body);
    if (fault?.httpStatus)
      return v1Error(res, fault.httpStatus, 'ServiceUnavailable', 'injected server error');
    if (fault?.errcode !== undefined) return oapiError(res, fault.errcode, 'injected fault');
    if (fault?.delayMs) {
      const send = res.json.bind(res);
      res.json = (body: unknown) => {
        setTimeout(() => send(body), fault.delayMs);
        return res;
      };
    }
    if (req.path !== '/robot/send' && state.overQps(req.path)) {
      return req.path.startsWith('/v1.0/')
        ? v1Error(res, 429, 'Forbidden.AccessDenied.QpsLimitForApi', 'qps limit for api')
        : oapiError(res, 90018, '当前企业调用该接口的QPS超出限制');
    }
    next();
  });

  const oapiAuth = (req: Request, res: Response): boolean => {
    const verdict = state.tokenState(str(req.query.access_token));
    if (verdict === 'expired') oapiError(res, 42001, 'access_token超时');
    else if (verdict === 'invalid') oapiError(res, 40014, '不合法的access_token');
    return verdict === 'ok';
  };
  const v1Auth = (req: Request, res: Response): boolean => {
    const verdict = state.tokenState(str(req.header('x-acs-dingtalk-access-token') ?? ''));
    if (verdict !== 'ok') v1Error(res, 401, 'InvalidAuthentication', '不合法的access_token');
    return verdict === 'ok';
  };
  const expiresIn = () => Math.round(state.limits.tokenTtlMs / 1000);
  const knownApp = (key: unknown, secret: unknown) =>
    key === state.app.appKey && secret === state.app.appSecret;

  app.get('/gettoken', (req, res) => {
    if (!knownApp(req.query.appkey, req.query.appsecret))
      return oapiError(res, 40089, '不合法的corpid或corpsecret');
    res.json({ errcode: 0, errmsg: 'ok', access_token: state.issueToken(), expires_in: expiresIn() });
  });

  app.post('/v1.0/oauth2/accessToken', (req, res) => {
    const b = req.body as Json;
    if (!b.appKey || !b.appSecret)
      return v1Error(res, 400, 'MissingappKey', 'appKey and appSecret are required');
    if (!knownApp(b.appKey, b.appSecret))
      return v1Error(res, 400, 'invalidClientId', '应用不存在或 appSecret 错误');
    res.json({ accessToken: state.issueToken(), expireIn: expiresIn() });
  });

  app.post('/topapi/message/corpconversation/asyncsend_v2', (req, res) => {
    if (!oapiAuth(req, res)) return;
    const b = req.body as Json;
    const msg = b.msg as Json | undefined;
    // The token is the app's: another app's agent_id is refused.
    if (!b.agent_id || str(b.agent_id) !== state.app.agentId) return oapiError(res, 40056, '不合法的agentid');
    if (typeof b.userid_list !== 'string' || !b.userid_list)
      return oapiError(res, 40035, '缺少参数 userid_list');
    if (!msg?.msgtype) return oapiError(res, 40035, '缺少参数 msg.msgtype');
    const userIds = b.userid_list.split(',').filter(Boolean);
    if (userIds.length > 100) return oapiError(res, 40035, 'userid_list 最多100个');
    const card = msg.action_card as Json | undefined;
    const text =
      msg.msgtype === 'action_card' ? str(card?.markdown) : str((msg.text as Json | undefined)?.content);
    if (msg.msgtype === 'action_card' && (!card?.title || !card.markdown)) {
      return oapiError(res, 40035, '缺少参数 action_card.title/markdown');
    }
    if (Buffer.byteLength(JSON.stringify(msg), 'utf8') > WORK_NOTIFICATION_MSG_LIMIT)
      return oapiError(res, 40035, `msg 长度超过限制（最多 ${WORK_NOTIFICATION_MSG_LIMIT} 字节）`);
    // Unknown userids are accepted in the call but never delivered: getsendresult lists them invalid.
    const invalid = userIds.filter((u) => !state.directory.has(u));
    const known = userIds.filter((u) => state.directory.has(u));
    const { delivered, dropped } = state.dedupe(known, JSON.stringify(msg));
    const taskId = state.issueTaskId();
    state.record({
      kind: 'work_notification',
      taskId,
      invalid,
      readBy: [],
      to: delivered,
      droppedDuplicates: dropped,
      mentionsFired: [],
      title: str(card?.title),
      text,
      link: card?.single_url ? str(card.single_url) : null,
      payload: b,
    });
    res.json({ errcode: 0, errmsg: 'ok', task_id: taskId, request_id: `fake-${Date.now()}` });
  });

  app.post('/topapi/message/corpconversation/getsendresult', (req, res) => {
    if (!oapiAuth(req, res)) return;
    const b = req.body as Json;
    if (!b.agent_id || str(b.agent_id) !== state.app.agentId) return oapiError(res, 40056, '不合法的agentid');
    const result = state.sendResult(Number(b.task_id));
    if (!result) return oapiError(res, 40035, '不合法的task_id');
    res.json({ errcode: 0, errmsg: 'ok', send_result: result, request_id: `fake-${Date.now()}` });
  });

  app.post('/robot/send', (req, res) => {
    const token = str(req.query.access_token);
    const robot = state.robots.get(token);
    if (!robot) return oapiError(res, 300001, 'token is not exist');
    if (robot.secret) {
      const ts = Number(req.query.timestamp);
      if (!ts || Math.abs(Date.now() - ts) > 3600_000) return oapiError(res, 310000, 'invalid timestamp');
      if (req.query.sign !== robotSignature(ts, robot.secret))
        return oapiError(res, 310000, 'sign not match');
    }
    const b = req.body as Json;
    const at = (b.at ?? {}) as { atUserIds?: string[] };
    const text =
      b.msgtype === 'text'
        ? str((b.text as Json | undefined)?.content)
        : b.msgtype === 'markdown'
          ? str((b.markdown as Json | undefined)?.text)
          : '';
    if (!text) return oapiError(res, 400102, 'msgtype/content is required');
    if (state.robotOverLimit(token))
      return oapiError(res, 410100, 'send too fast, exceed 20 times per minute');
    const atIds = at.atUserIds ?? [];
    state.record({
      kind: 'robot',
      to: [token],
      droppedDuplicates: [],
      // DingTalk only pings people who are both in at.atUserIds and written as @userId in the text.
      mentionsFired: atIds.filter((id) => text.includes(`@${id}`)),
      title: str((b.markdown as Json | undefined)?.title),
      text,
      link: null,
      payload: b,
    });
    res.json({ errcode: 0, errmsg: 'ok' });
  });

  app.post('/v1.0/todo/users/:unionId/tasks', (req, res) => {
    if (!v1Auth(req, res)) return;
    const b = req.body as Json;
    if (!b.subject) return v1Error(res, 400, 'MissingSubject', 'subject is required');
    const executors = Array.isArray(b.executorIds) ? (b.executorIds as string[]) : [];
    if (executors.length === 0) return v1Error(res, 400, 'MissingExecutorIds', 'executorIds is required');
    // To-do people are unionIds; a userid (or anyone unknown) is refused.
    const unionIds = new Set([...state.directory.values()].map((u) => u.unionid));
    const strangers = [str(req.params.unionId), ...executors].filter((id) => !unionIds.has(id));
    if (strangers.length)
      return v1Error(res, 400, 'invalidParameter.unionId', `unionId 不存在: ${strangers.join(',')}`);
    // DingTalk keeps one task per sourceId: a repeated create returns the existing task.
    const existing = state.messages.find(
      (m) => m.kind === 'todo' && b.sourceId && (m.payload as Json).sourceId === b.sourceId,
    );
    if (existing) return res.json({ id: `task-${existing.id}`, subject: b.subject, sourceId: b.sourceId });
    const detail = b.detailUrl as { appUrl?: string } | undefined;
    const m = state.record({
      kind: 'todo',
      to: executors,
      droppedDuplicates: [],
      mentionsFired: [],
      title: str(b.subject),
      text: str(b.description),
      link: detail?.appUrl ?? null,
      payload: { ...b, creatorUnionId: req.params.unionId },
    });
    res.json({ id: `task-${m.id}`, subject: b.subject, sourceId: b.sourceId, createdTime: Date.now() });
  });

  app.post('/v1.0/robot/ding/send', (req, res) => {
    if (!v1Auth(req, res)) return;
    const b = req.body as Json;
    const ids = Array.isArray(b.receiverUserIdList) ? (b.receiverUserIdList as string[]) : [];
    if (!b.robotCode || ids.length === 0 || !b.content || ![1, 2, 3].includes(Number(b.remindType))) {
      return v1Error(
        res,
        400,
        'InvalidParameter',
        'robotCode, remindType, receiverUserIdList, content required',
      );
    }
    const m = state.record({
      kind: 'ding',
      to: ids,
      droppedDuplicates: [],
      mentionsFired: [],
      title: `DING (remindType ${str(b.remindType)})`,
      text: str(b.content),
      link: null,
      payload: b,
    });
    res.json({ openDingId: `ding-${m.id}` });
  });

  app.post('/topapi/attendance/getleavestatus', (req, res) => {
    if (!oapiAuth(req, res)) return;
    const b = req.body as Json;
    const ids = str(b.userid_list).split(',').filter(Boolean);
    const start = Number(b.start_time);
    const end = Number(b.end_time);
    const offset = Number(b.offset ?? 0);
    const size = Number(b.size ?? 20);
    if (ids.length === 0 || ids.length > 100) return oapiError(res, 40035, 'userid_list 需要 1–100 个用户');
    if (!start || !end || end < start) return oapiError(res, 40035, 'start_time/end_time 不合法');
    if (size > 20) return oapiError(res, 40035, 'size 最大 20');
    const all = ids.flatMap((userid) =>
      (state.leaves.get(userid) ?? [])
        .filter((l) => l.start_time <= end && l.end_time >= start)
        .map((l) => ({ userid, ...l, duration_unit: 'percent_day', duration_percent: 100 })),
    );
    res.json({
      errcode: 0,
      errmsg: 'ok',
      result: { has_more: offset + size < all.length, leave_status: all.slice(offset, offset + size) },
    });
  });

  app.post('/topapi/v2/user/getuserinfo', (req, res) => {
    if (!oapiAuth(req, res)) return;
    const code = str((req.body as Json).code);
    if (!code) return oapiError(res, 40035, '缺少参数 code');
    const userid = state.redeemAuthCode(code);
    if (!userid) return oapiError(res, 40078, '不存在的临时授权码');
    const u = state.directory.get(userid);
    res.json({
      errcode: 0,
      errmsg: 'ok',
      result: {
        userid,
        unionid: u?.unionid ?? '',
        name: u?.name ?? '',
        device_id: 'fake-device',
        sys: false,
      },
    });
  });

  // ---- scan-to-log-in (OAuth 2.0 on login.dingtalk.com; the fake lists the directory to "scan" as) ----
  app.get('/oauth2/auth', (req, res) => {
    const redirect = str(req.query.redirect_uri);
    const state_ = str(req.query.state);
    if (!redirect || !req.query.client_id || req.query.response_type !== 'code')
      return res.status(400).type('text').send('redirect_uri, client_id and response_type=code are required');
    const as = str(req.query.as);
    if (as) {
      if (!state.directory.has(as)) return res.status(404).type('text').send('unknown user');
      const url = new URL(redirect);
      url.searchParams.set('authCode', state.issueAuthCode(as));
      url.searchParams.set('state', state_);
      return res.redirect(url.toString());
    }
    const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const links = [...state.directory.values()]
      .map((u) => {
        const q = new URLSearchParams({ ...(req.query as Record<string, string>), as: u.userid });
        return `<li><a href="/oauth2/auth?${esc(q.toString())}">${esc(u.name)} (${esc(u.userid)})</a></li>`;
      })
      .join('');
    res
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>钉钉扫码登录 (fake)</title><h1>钉钉扫码登录（模拟）</h1><p>选择扫码的用户：</p><ul>${links}</ul>`,
      );
  });
  app.post('/v1.0/oauth2/userAccessToken', (req, res) => {
    const b = req.body as Json;
    if (!b.clientId || !b.clientSecret || b.grantType !== 'authorization_code')
      return v1Error(res, 400, 'InvalidParameter', 'clientId, clientSecret, grantType are required');
    const userid = state.redeemAuthCode(str(b.code));
    if (!userid) return v1Error(res, 400, 'InvalidAuthCode', '不合法的临时授权码');
    res.json({ accessToken: state.issueUserToken(userid), refreshToken: 'fake-refresh', expireIn: 7200 });
  });
  app.get('/v1.0/contact/users/me', (req, res) => {
    const userid = state.userTokens.get(str(req.header('x-acs-dingtalk-access-token') ?? ''));
    const u = userid ? state.directory.get(userid) : undefined;
    if (!u) return v1Error(res, 401, 'InvalidAuthentication', '不合法的access_token');
    res.json({ nick: u.name, unionId: u.unionid, openId: `open-${u.unionid}`, stateCode: '86' });
  });
  app.post('/topapi/user/getbyunionid', (req, res) => {
    if (!oapiAuth(req, res)) return;
    const unionid = str((req.body as Json).unionid);
    const u = [...state.directory.values()].find((x) => x.unionid === unionid);
    if (!u) return oapiError(res, 60121, '找不到该用户');
    res.json({ errcode: 0, errmsg: 'ok', result: { contact_type: 0, userid: u.userid } });
  });

  // ---- fake-only control surface ----
  app.get('/_fake/messages', (req, res) => {
    const { kind, to } = req.query;
    let list: FakeMessage[] = state.messages;
    if (kind) list = list.filter((m) => m.kind === kind);
    if (to) list = list.filter((m) => m.to.includes(str(to)) || m.droppedDuplicates.includes(str(to)));
    res.json(list);
  });
  app.post('/_fake/directory', (req, res) => {
    const users = (req.body as { users?: { userid: string; unionid: string; name: string }[] }).users ?? [];
    for (const u of users) state.directory.set(u.userid, u);
    res.json({ count: state.directory.size });
  });
  app.post('/_fake/robots', (req, res) => {
    const robots = (req.body as { robots?: { token: string; secret: string | null }[] }).robots ?? [];
    for (const r of robots) state.robots.set(r.token, { secret: r.secret, sentAt: [] });
    res.json({ count: state.robots.size });
  });
  app.post('/_fake/leaves', (req, res) => {
    const body = req.body as { userid?: string; start_time?: number; end_time?: number };
    if (!body.userid || !body.start_time || !body.end_time)
      return res.status(400).json({ error: 'userid, start_time, end_time' });
    state.leaves.set(body.userid, [
      ...(state.leaves.get(body.userid) ?? []),
      { start_time: body.start_time, end_time: body.end_time },
    ]);
    res.json({ ok: true });
  });
  app.post('/_fake/auth-codes', (req, res) => {
    const userid = str((req.body as Json).userid);
    if (!userid) return res.status(400).json({ error: 'userid required' });
    res.json({ code: state.issueAuthCode(userid) });
  });
  app.post('/_fake/faults', (req, res) => {
    const f = req.body as {
      path: string;
      errcode?: number;
      httpStatus?: number;
      delayMs?: number;
      bodyIncludes?: string;
      count?: number;
    };
    if (typeof f.path !== 'string' || !f.path.startsWith('/'))
      return res.status(400).json({ error: 'path (an API path prefix) is required' });
    state.faults.push({
      path: f.path,
      errcode: f.errcode,
      httpStatus: f.httpStatus,
      delayMs: f.delayMs,
      bodyIncludes: f.bodyIncludes,
      remaining: f.count ?? 1,
    });
    res.json({ ok: true });
  });
  app.post('/_fake/expire-tokens', (_req, res) => {
    state.expireTokens();
    res.json({ ok: true });
  });
  app.post('/_fake/read', (req, res) => {
    const b = req.body as Json;
    if (!state.markRead(Number(b.message), str(b.userid)))
      return res.status(404).json({ error: 'no such work notification to that recipient' });
    res.json({ ok: true });
  });
  app.post('/_fake/reset', (_req, res) => {
    state.reset();
    res.json({ ok: true });
  });
  // Opens a message's link as one of its recipients, with a fresh 免登 code, like tapping it in DingTalk.
  app.get('/_fake/open', (req, res) => {
    const m = state.messages.find((x) => x.id === Number(req.query.message));
    const userid = str(req.query.as);
    if (!m?.link || !userid) return res.status(404).send('no such message or recipient');
    state.markRead(m.id, userid);
    const url = new URL(m.link);
    url.searchParams.set('authCode', state.issueAuthCode(userid));
    res.redirect(url.toString());
  });
  app.get(['/_fake', '/_fake/', '/'], (_req, res) => {
    res.type('html').send(renderViewer(state));
  });
  return app;
}

export interface RunningFake {
  url: string;
  state: FakeDingTalkState;
  close(): Promise<void>;
}

export async function startFakeDingTalk(
  port = 0,
  host = '127.0.0.1',
  limits?: Partial<FakeLimits>,
): Promise<RunningFake> {
  const state = new FakeDingTalkState(limits);
  const app = createFakeDingTalkApp(state);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${actual}`,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
