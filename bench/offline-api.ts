// The real API on an ephemeral loopback port, for benchmarks whose requests never reach Temporal
// (the dashboard, the check-in page): its Temporal client stays unconnected.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { createApp } from '../api/app.ts';
import type { AppConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import { createDingTalk } from '../platform/dingtalk.ts';

export async function serveOfflineApi(db: DB, config: AppConfig): Promise<{ server: Server; base: string }> {
  const app = createApp({
    db,
    temporal: new Client(),
    dingtalk: createDingTalk(config),
    config,
    logger: createLogger('warn', 'bench'),
  });
  const server = await new Promise<Server>((res) => {
    const s = app.listen(0, '127.0.0.1', () => res(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
