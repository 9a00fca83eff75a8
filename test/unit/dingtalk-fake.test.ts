// The DingTalk client against the fake: shapes, limits and errors behave as DingTalk's do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DingTalkClient } from '../../dingtalk/client.ts';
import { DingTalkError } from '../../dingtalk/errors.ts';
import { startFakeDingTalk, type RunningFake } from '../../dingtalk/fake-server.ts';
import type { ActionCardMsg } from '../../dingtalk/types.ts';
import { FakeDingTalkState } from '../../dingtalk/fake-state.ts';

let fake: RunningFake;
let client: DingTalkClient;
const card = (title: string): ActionCardMsg => ({
  msgtype: 'action_card',
  action_card: { title, markdown: `### ${title}`, single_title: 'go', single_url: 'http://127.0.0.1/x' },
});

before(async () => {
  fake = await startFakeDingTalk(0);
  client = new DingTalkClient({
    oapiUrl: fake.url,
    apiUrl: fake.url,
    appKey: 'k',
    appSecret: 's',
    agentId: '1',
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

  test('an expired token is refreshed transparently', async () => {
    fake.state.tokens.clear();
    await client.sendWorkNotification(['y'], card('after expiry'));
    assert.equal(fake.state.tokens.size, 1);
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
    const strict = await startFakeDingTalk(0, '127.0.0.1', { appQpsPerApi: 2, robotPerMinute: 20 });
    const c = new DingTalkClient({
      oapiUrl: strict.url,
      apiUrl: strict.url,
      appKey: 'k',
      appSecret: 's',
      agentId: '1',
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

  test('the client paces itself under 40 calls/s per API, so a burst is never throttled', async () => {
    const paced = new DingTalkClient({
      oapiUrl: fake.url,
      apiUrl: fake.url,
      appKey: 'k',
      appSecret: 's',
      agentId: '1',
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
});
