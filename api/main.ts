// API process entry for production: `node --import tsx api/main.ts` (the Docker image's default).
// Needs TEMPORAL_ADDRESS and DATABASE_URL; migrations run separately (scripts/migrate.ts), and
// neither the Temporal dev server nor the DingTalk fake is started here. SIGTERM stops accepting
// connections, answers the requests in flight, then exits 0.
import type { AddressInfo } from 'node:net';
import { getCurrentPolicy } from '../db/repositories/policy.ts';
import { bootstrap, runMain } from '../platform/bootstrap.ts';
import { drainHttpServer } from '../platform/lifecycle.ts';
import { ensureAppSchedules } from '../platform/temporal.ts';
import { createApp } from './app.ts';
import { ensureLocalAdmin, oneTimePasswordNotice } from './auth/local-admin.ts';
import { listen } from './serve.ts';
import { startMetricsServer } from '../platform/metrics.ts';

runMain(async () => {
  const { config, logger, db, temporal, connection, dingtalk, lifecycle } = await bootstrap({ name: 'api' });
  // Idempotent: every API replica may run it at start.
  await ensureAppSchedules(
    { client: temporal, connection },
    { ...config.temporal, timeZone: (await getCurrentPolicy(db)).timeZone },
  );

  const admin = await ensureLocalAdmin(db, config.auth.localAdmin);
  if (admin.generatedPassword)
    console.log(
      `Local admin ${oneTimePasswordNotice(config.auth.localAdmin.username, admin.generatedPassword)}`,
    );

  const app = createApp({ db, temporal, dingtalk, config, logger });
  const server = await listen(app, config.api);
  lifecycle.onStop('http server', () => drainHttpServer(server, config.shutdownGraceMs));
  // /metrics on its own internal port (never the public one in production)
  if (config.metrics.port > 0) {
    const metrics = await startMetricsServer(config.metrics.port, config.metrics.host);
    lifecycle.onStop('metrics server', metrics.close);
    logger.info({ url: metrics.url }, 'api metrics listening');
  }
  logger.info(
    {
      host: config.api.host,
      port: (server.address() as AddressInfo).port,
      publicBaseUrl: config.api.publicBaseUrl,
    },
    'api listening',
  );
});
