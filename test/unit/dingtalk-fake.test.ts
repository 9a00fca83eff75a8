// The DingTalk client against the fake: shapes, limits and errors behave as DingTalk's do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DingTalkClient } from '../../dingtalk/client.ts';
import { DingTalkError } from '../../dingtalk/errors.ts';
import { startFakeDingTalk, type RunningFake } from '../../dingtalk/fake-server.ts';
import type { ActionCardMsg } from '../../dingtalk/types.ts';
import { DINGTALK_LIMITS, FakeDingTalkState } from '../../dingtalk/fake-state.ts';
import { deliveryOf } from '../../activities/reminders/delivery-receipts.ts';
import {
  managerFallbackCards,
  msgBytes,
  WORK_NOTIFICATION_MSG_MAX_BYTES,
} from '../../activities/reminders/messages.ts';

let fake: RunningFake;
let client: DingTalkClient;
const card = (title: string): ActionCardMsg => ({
  msgtype: 'action_card',
  action_card: { title, markdown: `### ${title}`, single_title: 'go', single_url: 'http://127.0.0.1/x' },
});

/** the app the fake knows (the config's defaults) */
const app = { appKey: 'fake-app-key', appSecret: 'fake-app-secret', agentId: '100001' };

/** Puts userids into the fake's directory (unionId `union-<id>`): DingTalk delivers only to people it knows. */
const people = (f: RunningFake, ...ids: string[]) => {
  for (const id of ids) f.state.directory.set(id, { userid: id, unionid: `union-${id}`, name: id });
};

before(async () => {
  fake = await startFakeDingTalk(0);
  people(fake, 'a', 'b', 'c', 'y', 'z', '1', 'hr1', ...Array.from({ length: 60 }, (_, i) => `p${i}`));
  client = new DingTalkClient({
    oapiUrl: fake.url,
    apiUrl: fake.url,
    ...app,
  });
});
after(async () => fake.close());

describe('DingTalk fake + client', () => {
  test('identical content to the same person twice in a day is dropped; new content is delivered', async () => {
    await client.sendWorkNotification(['a', 'b'], card('2026-11-27 L1'));
    await client.sendWorkNotification(['a', 'c'], card('2026-11-27 L1'));
    await client.sendWorkNotification(['a'], card('2026-11-27 L2'));
    const m = fake.state.messages.filter((x) => x.kind === 'work_notification');
    assert.deepEqual(
      m.map((x) => [x.to, x.droppedDuplicates]),
      [
        [['a', 'b'], []],
        [['c'], ['a']],
        [['a'], []],
      ],
    );
  });

  test('the access token is fetched once and cached', async () => {
    const before = fake.state.tokens.size;
    for (let i = 0; i < 3; i++) await client.sendWorkNotification(['z'], card(`cache ${i}`));
    assert.equal(fake.state.tokens.size, before);
  });

  test('an expired token (42001) is refreshed transparently, for oapi and v1.0 calls', async () => {
    await client.createTodo('union-1', { sourceId: 'before-expiry', subject: 's', executorIds: ['union-1'] });
    const issued = fake.state.tokens.size;
    const res = await fetch(`${fake.url}/_fake/expire-tokens`, { method: 'POST' });
    assert.equal(res.status, 200);
    // The client still holds its cached tokens: the fake answers 42001 / 401, the client refetches.
    await client.sendWorkNotification(['y'], card('after expiry'));
    await client.createTodo('union-1', { sourceId: 'after-expiry', subject: 's', executorIds: ['union-1'] });
    assert.equal(fake.state.tokens.size, issued + 2);
    const stale = [...fake.state.tokens.keys()][0] ?? '';
    const raw = await fetch(
      `${fake.url}/topapi/message/corpconversation/asyncsend_v2?access_token=${stale}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          agent_id: 100001,
          userid_list: 'y',
          msg: { msgtype: 'text', text: { content: 'x' } },
        }),
      },
    );
    assert.equal(((await raw.json()) as { errcode: number }).errcode, 42001);
  });

  test('a robot may send 20 messages a minute; the 21st gets the retryable errcode 410100', async () => {
    fake.state.robots.set('r1', { secret: 'SECret', sentAt: [] });
    const send = () =>
      client.sendRobotMessage(
        { webhookToken: 'r1', signingSecret: 'SECret' },
        { msgtype: 'text', text: { content: '@u1 hi' }, at: { atUserIds: ['u1'], isAtAll: false } },
      );
    for (let i = 0; i < 20; i++) await send();
    await assert.rejects(
      send(),
      (e: unknown) => e instanceof DingTalkError && e.errcode === 410100 && e.retryable,
    );
    assert.deepEqual(fake.state.messages.filter((m) => m.kind === 'robot').at(-1)?.mentionsFired, ['u1']);
  });

  test('@ fires only when the userId is also written in the text', async () => {
    fake.state.robots.set('r2', { secret: null, sentAt: [] });
    await client.sendRobotMessage(
      { webhookToken: 'r2', signingSecret: null },
      { msgtype: 'text', text: { content: 'no at here' }, at: { atUserIds: ['u9'], isAtAll: false } },
    );
    assert.deepEqual(fake.state.messages.at(-1)?.mentionsFired, []);
  });

  test('a wrong robot signature is a permanent error', async () => {
    fake.state.robots.set('r3', { secret: 'SECright', sentAt: [] });
    await assert.rejects(
      client.sendRobotMessage(
        { webhookToken: 'r3', signingSecret: 'SECwrong' },
        { msgtype: 'text', text: { content: 'x' }, at: { atUserIds: [], isAtAll: false } },
      ),
      (e: unknown) => e instanceof DingTalkError && e.errcode === 310000 && !e.retryable,
    );
  });

  test('per-app QPS over 40/s answers errcode 90018, which the client marks retryable', async () => {
    // The limit itself, on a frozen clock: 40 calls in a second pass, the 41st does not.
    const frozen = new FakeDingTalkState(undefined, () => 1_000_000);
    const verdicts = Array.from({ length: 41 }, () => frozen.overQps('/x'));
    assert.deepEqual([verdicts.filter((v) => !v).length, verdicts.at(-1)], [40, true]);
    // And over HTTP, with a fake whose limit is 2 calls/s.
    const strict = await startFakeDingTalk(0, '127.0.0.1', { appQpsPerApi: 2 });
    people(strict, 'q1', 'q2', 'q3');
    const c = new DingTalkClient({
      oapiUrl: strict.url,
      apiUrl: strict.url,
      ...app,
      maxQpsPerApi: 100_000,
    });
    await c.sendWorkNotification(['q1'], card('qps 1'));
    await c.sendWorkNotification(['q2'], card('qps 2'));
    await assert.rejects(
      c.sendWorkNotification(['q3'], card('qps 3')),
      (e: unknown) => e instanceof DingTalkError && e.errcode === 90018 && e.retryable,
    );
    await strict.close();
  });

  test('the client paces itself (20 calls/s per API by default), so a burst is never throttled', async () => {
    const paced = new DingTalkClient({
      oapiUrl: fake.url,
      apiUrl: fake.url,
      ...app,
    });
    const t = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => paced.sendWorkNotification([`p${i}`], card(`paced ${i}`))),
    );
    assert.equal(results.filter((r) => r.status === 'rejected').length, 0);
    assert.ok(Date.now() - t >= 1000, 'took at least a second');
  });

  test('injected server errors surface as retryable; bad requests as permanent', async () => {
    fake.state.faults.push({ path: '/v1.0/todo/', httpStatus: 503, remaining: 1 });
    const task = { sourceId: 's1', subject: 'call', executorIds: ['union-1'] };
    await assert.rejects(
      client.createTodo('union-1', task),
      (e: unknown) => e instanceof DingTalkError && e.retryable,
    );
    const ok = await client.createTodo('union-1', task);
    assert.match(ok.id, /^task-/);
    assert.equal((await client.createTodo('union-1', task)).id, ok.id, 'same sourceId → same task');
    await assert.rejects(
      client.createTodo('union-1', { ...task, sourceId: 's2', executorIds: [] }),
      (e: unknown) => e instanceof DingTalkError && !e.retryable,
    );
  });

  test('DING phone reminders and the 免登 code exchange', async () => {
    const d = await client.sendDing({
      robotCode: 'dingrobot',
      remindType: 3,
      receiverUserIdList: ['hr1'],
      content: '请致电',
    });
    assert.match(d.openDingId, /^ding-/);
    fake.state.directory.set('emp1', { userid: 'emp1', unionid: 'un1', name: '张三' });
    const info = await client.getUserInfoByCode(fake.state.issueAuthCode('emp1'));
    assert.deepEqual(info, { userid: 'emp1', unionid: 'un1', name: '张三' });
    await assert.rejects(
      client.getUserInfoByCode('bogus'),
      (e: unknown) => e instanceof DingTalkError && !e.retryable,
    );
  });

  test("a msg over 2,048 bytes and another app's agent_id are refused; the split fallback cards fit", async () => {
    const big = card('big');
    big.action_card.markdown = '名'.repeat(700); // 2,100 bytes of UTF-8
    await assert.rejects(
      client.sendWorkNotification(['a'], big),
      (e: unknown) => e instanceof DingTalkError && e.errcode === 40035 && !e.retryable,
    );
    const other = new DingTalkClient({ oapiUrl: fake.url, apiUrl: fake.url, ...app, agentId: '999' });
    await assert.rejects(
      other.sendWorkNotification(['a'], card('wrong agent')),
      (e: unknown) => e instanceof DingTalkError && e.errcode === 40056,
    );
    const names = Array.from({ length: 179 }, (_, i) => `员工${String(i).padStart(3, '0')}号`);
    const cards = managerFallbackCards('2026-11-27', '研发部', names, 'http://127.0.0.1/checkin');
    assert.ok(cards.length > 1, 'the list is split');
    for (const c of cards) {
      assert.ok(msgBytes(c) <= WORK_NOTIFICATION_MSG_MAX_BYTES);
      await client.sendWorkNotification(['b'], c);
    }
    const listed = cards.flatMap((c) => names.filter((n) => c.action_card.markdown.includes(`- ${n}`)));
    assert.deepEqual(listed, names, 'every name once, in order');
  });

  test('getsendresult: unknown userids are invalid, duplicates forbidden, opened ones read', async () => {
    people(fake, 'r-1', 'r-2');
    const first = await client.sendWorkNotification(['r-1', 'r-2', 'nobody'], card('receipts'));
    const again = await client.sendWorkNotification(['r-1'], card('receipts'));
    const m = fake.state.messages.find((x) => x.taskId === first.taskId);
    assert.deepEqual(m?.to, ['r-1', 'r-2'], 'the unknown userid is not recorded as delivered');
    const read = await fetch(`${fake.url}/_fake/read`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: m?.id, userid: 'r-2' }),
    });
    assert.equal(read.status, 200);
    assert.deepEqual(await client.getSendResult(first.taskId), {
      read: ['r-2'],
      unread: ['r-1'],
      failed: [],
      invalid: ['nobody'],
      forbidden: [],
    });
    assert.deepEqual((await client.getSendResult(again.taskId)).forbidden, ['r-1']);
    assert.equal(deliveryOf(await client.getSendResult(first.taskId), 'nobody'), 'failed');
  });

  test('to-do executors are unionIds: a userid is refused', async () => {
    await assert.rejects(
      client.createTodo('union-1', { sourceId: 'by-userid', subject: 'call', executorIds: ['1'] }),
      (e: unknown) => e instanceof DingTalkError && e.httpStatus === 400 && !e.retryable,
    );
    const ok = await client.createTodo('union-1', {
      sourceId: 'by-union',
      subject: 'call',
      executorIds: ['union-1'],
    });
    assert.match(ok.id, /^task-/);
  });

  test('a robot over 20 posts a window is throttled for the penalty time, not just until the window slides', () => {
    const t = { now: 1_000_000 };
    const s = new FakeDingTalkState(
      { robotPerMinute: 2, robotWindowMs: 1000, robotPenaltyMs: 5000 },
      () => t.now,
    );
    s.robots.set('rb', { secret: null, sentAt: [] });
    const verdicts = [s.robotOverLimit('rb'), s.robotOverLimit('rb'), s.robotOverLimit('rb')];
    assert.deepEqual(verdicts, [false, false, true]);
    t.now += 2000; // the window has slid, the penalty has not ended
    assert.equal(s.robotOverLimit('rb'), true);
    t.now += 3500;
    assert.equal(s.robotOverLimit('rb'), false);
    assert.deepEqual(new FakeDingTalkState().limits, DINGTALK_LIMITS, "DingTalk's values by default");
    assert.equal(DINGTALK_LIMITS.robotPenaltyMs, 600_000);
  });

  test('POST /_fake/faults keeps delayMs: the answer comes that much later', async () => {
    const res = await fetch(`${fake.url}/_fake/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/topapi/message/corpconversation/asyncsend_v2',
        delayMs: 1500,
        bodyIncludes: 'slow-one',
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(fake.state.faults.at(-1)?.delayMs, 1500);
    // A client that gives up after 300 ms never reads the answer: the outcome is unknown.
    const impatient = new DingTalkClient({ oapiUrl: fake.url, apiUrl: fake.url, ...app, timeoutMs: 300 });
    await assert.rejects(
      impatient.sendWorkNotification(['a'], card('slow-one')),
      (e: unknown) => e instanceof DingTalkError && e.outcomeUnknown && e.retryable,
    );
  });

  test('throttling answers are counted per API and reported', async () => {
    const seen: [string, number | string, number][] = [];
    const c = new DingTalkClient({
      oapiUrl: fake.url,
      apiUrl: fake.url,
      ...app,
      onThrottled: (api, errcode, count) => seen.push([api, errcode, count]),
    });
    fake.state.faults.push({
      path: '/topapi/message/corpconversation/asyncsend_v2',
      errcode: 90018,
      remaining: 2,
    });
    for (let i = 0; i < 2; i++)
      await assert.rejects(
        c.sendWorkNotification(['a'], card(`throttled ${i}`)),
        (e: unknown) => e instanceof DingTalkError && !e.outcomeUnknown,
      );
    assert.deepEqual(
      seen.map((x) => x.slice(1)),
      [
        [90018, 1],
        [90018, 2],
      ],
    );
    assert.equal(c.throttled.get('/topapi/message/corpconversation/asyncsend_v2'), 2);
  });
});
