// Liveness vs readiness: the API's /readyz answers 503 naming Postgres while the database is cut
// off and 200 once it is back (/livez stays 200 throughout); the DingTalk token check runs only
// with real credentials; the worker's health server reports polling and Postgres the same way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../config/logger.ts';
import { createDb } from '../../db/connect.ts';
import { keyringOf, withFieldKeys } from '../../db/sealed-fields.ts';
import { createDingTalk } from '../../platform/dingtalk.ts';
import { startWorkerHealthServer } from '../../worker/health-server.ts';
import { eventually, TestContext } from '../helpers/context.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => ctx.close());

interface Ready {
  status: string;
  failing: string[];
  checks: Record<string, string>;
}
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Ready };
};

/**
 * Lets the pool's idle connections see their sockets close first: a query handed to a connection
 * whose close is still in flight makes pg emit 'error' on a checked-out client, which nothing
 * listens to (a crash of its own, outside what these tests are about).
 */
const idleClientsNoticeTheCut = () => new Promise((r) => setTimeout(r, 300));

/** The database through a proxy the test can cut. */
async function cuttableDb() {
  const dbUrl = new URL(ctx.config.databaseUrl);
  const proxy = await startTcpProxy(`${dbUrl.hostname}:${dbUrl.port || '5432'}`);
  dbUrl.host = proxy.address;
  return { proxy, db: withFieldKeys(createDb(dbUrl.toString()), keyringOf(ctx.db)) };
}

async function api(
  config: typeof ctx.config,
  db = ctx.db,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp({
    db,
    temporal: ctx.temporal,
    dingtalk: createDingTalk(config),
    config,
    logger: createLogger('silent'),
  });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('readiness', () => {
  test('API: /readyz is 503 naming postgres while it is unreachable, 200 when back; /livez stays 200', async () => {
    const { proxy, db } = await cuttableDb();
    const a = await api(ctx.config, db);
    try {
      const up = await get(`${a.url}/readyz`);
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.deepEqual(up.body.failing, []);
      assert.deepEqual(up.body.checks, { postgres: 'ok', temporal: 'ok', dingtalk: 'skipped' });

      proxy.cut();
      await idleClientsNoticeTheCut();
      const down = await get(`${a.url}/readyz`);
      assert.equal(down.status, 503);
      assert.equal(down.body.status, 'not ready');
      assert.deepEqual(down.body.failing, ['postgres']);
      assert.match(down.body.checks.postgres ?? '', /^error: /);
      assert.equal(down.body.checks.temporal, 'ok');
      assert.equal((await fetch(`${a.url}/livez`)).status, 200, 'alive while not ready');

      proxy.restore();
      await eventually(async () => (await get(`${a.url}/readyz`)).status === 200, 15_000, 'ready again');
    } finally {
      await a.close();
      await db.destroy();
      await proxy.close();
    }
  });

  test('API: with real DingTalk credentials /readyz checks that an access token is obtainable', async () => {
    const base = { ...process.env, DATABASE_URL: ctx.config.databaseUrl, NODE_ENV: 'test' };
    const creds = {
      DINGTALK_APP_KEY: ctx.fake.state.app.appKey,
      DINGTALK_APP_SECRET: ctx.fake.state.app.appSecret,
      DINGTALK_AGENT_ID: '1',
    };
    // real credentials require real secrets (the published dev ones are refused)
    const secrets = {
      SESSION_SECRET: 'readiness-test-session-secret',
      FIELD_ENCRYPTION_KEYS: `t:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const good = loadConfig({ ...base, ...creds, ...secrets, DINGTALK_API_URL: ctx.fake.url });
    assert.equal(good.dingtalk.real, true);
    const a = await api(good);
    try {
      const r = await get(`${a.url}/readyz`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.checks.dingtalk, 'ok');
    } finally {
      await a.close();
    }
    // an address where nothing listens: the token cannot be obtained
    const closed = await startTcpProxy('127.0.0.1:9');
    closed.cut();
    const bad = loadConfig({ ...base, ...creds, ...secrets, DINGTALK_API_URL: `http://${closed.address}` });
    const b = await api(bad);
    try {
      const r = await get(`${b.url}/readyz`);
      assert.equal(r.status, 503);
      assert.deepEqual(r.body.failing, ['dingtalk']);
    } finally {
      await b.close();
      await closed.close();
    }
  });

  test('worker health server: /readyz follows polling and Postgres, /livez always answers', async () => {
    const { proxy, db } = await cuttableDb();
    let polling = true;
    const h = await startWorkerHealthServer({ db, polling: () => polling }, 0);
    try {
      const up = await get(`${h.url}/readyz`);
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.deepEqual(up.body.checks, { temporal: 'ok', postgres: 'ok' });

      polling = false;
      const stopped = await get(`${h.url}/readyz`);
      assert.equal(stopped.status, 503);
      assert.deepEqual(stopped.body.failing, ['temporal']);

      polling = true;
      proxy.cut();
      await idleClientsNoticeTheCut();
      const down = await get(`${h.url}/readyz`);
      assert.equal(down.status, 503);
      assert.deepEqual(down.body.failing, ['postgres']);
      assert.equal((await get(`${h.url}/livez`)).status, 200);
      assert.equal((await fetch(`${h.url}/nope`)).status, 404);

      proxy.restore();
      await eventually(async () => (await get(`${h.url}/readyz`)).status === 200, 15_000, 'ready again');
    } finally {
      await h.close();
      await db.destroy();
      await proxy.close();
    }
  });
});
