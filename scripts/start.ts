// `npm start`: the whole system on embedded defaults — Temporal dev server (SQLite under data/),
// Postgres database + migrations + demo organisation, DingTalk fake, worker and API.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { getCurrentPolicy } from '../db/repositories/policy.ts';
import { fakeDirectory, seedDemoOrganisation } from '../db/seed.ts';
import { startFakeDingTalk, type RunningFake } from '../dingtalk/fake-server.ts';
import { createApp } from '../api/app.ts';
import { ensureLocalAdmin, oneTimePasswordNotice } from '../api/auth/local-admin.ts';
import { listen } from '../api/serve.ts';
import { bootstrap, runMain } from '../platform/bootstrap.ts';
import { drainHttpServer } from '../platform/lifecycle.ts';
import { ensureAppSchedules } from '../platform/temporal.ts';
import { runWorker } from '../worker/run-worker.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';
import { ensureTemporalCli, startTemporalDevServer, type DevServer } from './temporal-cli.ts';

/** The admin UI bundle: built once (Vite) when missing, then served by the API at /admin. */
function ensureAdminUiBuilt(log: (msg: string) => void) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (existsSync(`${root}/admin-ui/dist/index.html`)) return;
  log('building the admin UI (first run only)…');
  const r = spawnSync('npm', ['run', 'build', '-w', 'admin-ui'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('admin UI build failed');
}

runMain(async () => {
  let devServer: DevServer | undefined;
  const { config, logger, keyring, db, temporal, connection, temporalAddress, dingtalk, lifecycle } =
    await bootstrap({
      beforeConnect: async (config, logger, lifecycle) => {
        await ensureDatabase(config.databaseUrl);
        if (config.temporal.address) return;
        const cli = ensureTemporalCli(config.temporal.cli);
        logger.info({ dbFile: config.temporal.dbFile }, 'starting Temporal dev server');
        devServer = await startTemporalDevServer({
          cli,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          uiCodecEndpoint: `${config.api.publicBaseUrl}/temporal-codec`,
          dbFile: config.temporal.dbFile,
          namespaces: config.temporal.namespace === 'default' ? [] : [config.temporal.namespace],
        });
        const dev = devServer;
        lifecycle.onStop('temporal dev server', () => dev.stop());
        return dev.address;
      },
    });

  await migrateToLatest(db);
  // Rows written before field encryption are sealed once, before anything reads them.
  for (const r of await rotateFieldKeys(db, keyring, { plaintextOnly: true })) {
    if (r.pending > 0) logger.info(r, 'sealed rows stored before field encryption');
  }
  if (config.seedDemo && (await seedDemoOrganisation(db))) logger.info('seeded the demo organisation');

  let fake: RunningFake | undefined;
  if (!config.dingtalk.real) {
    fake = await startFakeDingTalk(config.dingtalk.fakePort);
    const dir = await fakeDirectory(db);
    for (const u of dir.users) fake.state.directory.set(u.userid, u);
    for (const r of dir.robots) fake.state.robots.set(r.token, { secret: r.secret, sentAt: [] });
    const running = fake;
    lifecycle.onStop('dingtalk fake', () => running.close());
  }
  await ensureAppSchedules(
    { client: temporal, connection },
    { ...config.temporal, timeZone: (await getCurrentPolicy(db)).timeZone },
  );

  const worker = await runWorker({ config, logger, db, dingtalk, temporal, address: temporalAddress });
  lifecycle.onStop('worker', () => worker.stop());
  ensureAdminUiBuilt((m) => logger.info(m));
  const admin = await ensureLocalAdmin(db, config.auth.localAdmin);
  const app = createApp({ db, temporal, dingtalk, config, logger });
  const server = await listen(app, config.api);
  lifecycle.onStop('http server', () => drainHttpServer(server, config.shutdownGraceMs));

  const base = config.api.publicBaseUrl;
  const lines = [
    '',
    'health-checkin is running',
    `  API              ${base}  (health: ${base}/healthz)`,
    `  Admin UI         ${base}/admin/  (DingTalk scan-to-log-in as a manager/HR, or the local account "${config.auth.localAdmin.username}")`,
    admin.generatedPassword
      ? `  Local admin      ${oneTimePasswordNotice(config.auth.localAdmin.username, admin.generatedPassword)}`
      : `  Local admin      ${config.auth.localAdmin.username} (password: LOCAL_ADMIN_PASSWORD, or npm run admin:reset-password)`,
    `  Check-in page    ${base}/checkin`,
    fake
      ? `  DingTalk fake    ${fake.url}/_fake/  ← messages the ladder sends appear here`
      : '  DingTalk         real API (credentials configured)',
    devServer
      ? `  Temporal UI      http://127.0.0.1:${config.temporal.uiPort}`
      : `  Temporal         ${temporalAddress}`,
    config.api.adminToken
      ? `  Start a day now  curl -XPOST ${base}/api/admin/fanout -H 'x-admin-token: ${config.api.adminToken === 'dev-admin-token-0123456789' ? config.api.adminToken : '<ADMIN_TOKEN>'}' -H 'content-type: application/json' -d '{"timeScale":240}'`
      : '',
    '',
  ];
  console.log(lines.join('\n'));

  worker.running.catch((err: unknown) => {
    logger.fatal({ err }, 'worker failed');
    void lifecycle.shutdown('worker failed', 1);
  });
});
