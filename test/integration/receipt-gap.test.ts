// A worker that dies after recording a reminder as sent but before scheduling its read-receipt
// check: the activity's retry schedules the check, so HR still sees 已读/未读 for those people.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listRemindersForDay } from '../../db/repositories/reminders.ts';
import { eventually, TestContext } from '../helpers/context.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { testEnv } from '../helpers/test-env.ts';

let ctx: TestContext;
let temporalProxy: TcpProxy;

before(async () => {
  // The worker reaches Temporal through a proxy the test cuts; the test's own client does not.
  temporalProxy = await startTcpProxy(testEnv().temporalAddress);
  ctx = await TestContext.create(import.meta.filename, {
    worker: 'none',
    env: {
      TEMPORAL_ADDRESS: temporalProxy.address,
      DINGTALK_RECEIPT_DELAYS_SECONDS: '1,2',
      SHUTDOWN_GRACE_SECONDS: '1',
    },
  });
});
after(async () => {
  await ctx.close();
  await temporalProxy.close();
});

test('a worker killed between "sent" and scheduling the receipt check: the retry schedules it', async () => {
  const dept = await ctx.department({ size: 2, robot: false });
  const ids = dept.members.map((e) => e.id);
  const levelOne = async () =>
    (await listRemindersForDay(ctx.db, s.workDate, ids)).filter((r) => r.level === 1);
  // DingTalk answers the level-1 call 3 s late: the window in which the worker loses Temporal.
  ctx.fake.state.faults.push({
    path: '/topapi/message/corpconversation/asyncsend_v2',
    delayMs: 3000,
    remaining: 1,
  });
  let worker = await ctx.spawnWorker();
  const s = await ctx.schedule(900); // levels at +4 s, +16 s, +28 s
  await ctx.startDay(dept.members, s);
  await eventually(() => ctx.messages('work_notification').length > 0, 30_000, 'level 1 in flight');
  temporalProxy.cut();
  await eventually(
    async () => (await levelOne()).every((r) => r.status === 'sent'),
    15_000,
    'level 1 recorded as sent',
  );
  await ctx.killWorker(worker);
  const [row] = await levelOne();
  assert.ok(row?.external_id, 'the DingTalk task id is stored');
  assert.ok(
    (await levelOne()).every((r) => r.delivery === null),
    'no receipt was recorded before the worker died',
  );

  temporalProxy.restore();
  worker = await ctx.spawnWorker();
  await eventually(
    async () => (await levelOne()).every((r) => r.delivery === 'unread'),
    60_000,
    'level 1 receipts recorded after the retry',
  );
  const handle = ctx.temporal.workflow.getHandle(`delivery-receipts/${s.workDate}/L1/${row.external_id}`);
  assert.equal((await handle.describe()).type, 'deliveryReceipts');
  for (const e of dept.members)
    assert.equal(ctx.messages('work_notification', e.userId).length, 1, `${e.name} notified once at level 1`);
  await Promise.all(dept.members.map((e) => ctx.dayResult(s.workDate, e.id)));
  await ctx.killWorker(worker);
});
