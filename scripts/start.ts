// `npm start`: the whole system on embedded defaults — Temporal dev server (SQLite under data/),
// Postgres database + migrations + demo organisation, DingTalk fake, worker and API.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDb, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { getCurrentPolicy } from '../db/repositories/policy.ts';
import { fakeDirectory, seedDemoOrganisation } from '../db/seed.ts';
import { startFakeDingTalk, type RunningFake } from '../dingtalk/fake-server.ts';
import { createApp } from '../api/app.ts';
import { ensureLocalAdmin, oneTimePasswordNotice } from '../api/auth/local-admin.ts';
import { listen } from '../api/serve.ts';
import { createDingTalk } from '../platform/dingtalk.ts';
import { connectTemporal, ensureAppSchedules } from '../platform/temporal.ts';
import { runWorker } from '../worker/run-worker.ts';
import { useFieldKeys } from '../security/field-crypto.ts';
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

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const keyring = useFieldKeys(config.fieldEncryption);
  const stops: (() => Promise<void>)[] = [];

  let address = config.temporal.address;
  let devServer: DevServer | undefined;
  if (!address) {
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
    address = devServer.address;
  }

  await ensureDatabase(config.databaseUrl);
  const db = createDb(config.databaseUrl);
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
  }
  const dingtalk = createDingTalk(config);

  const { client, connection } = await connectTemporal(address, config.temporal.namespace);
  await ensureAppSchedules(
    { client, connection },
    { ...config.temporal, timeZone: (await getCurrentPolicy(db)).timeZone },
  );

  const worker = await runWorker({ config, logger, db, dingtalk, temporal: client, address });
  ensureAdminUiBuilt((m) => logger.info(m));
  const admin = await ensureLocalAdmin(db, config.auth.localAdmin);
  const app = createApp({ db, temporal: client, dingtalk, config, logger });
  const server: Server = await listen(app, config.api);
  stops.push(
    () => new Promise((r) => server.close(() => r())),
    () => worker.stop(),
    async () => connection.close(),
    async () => fake?.close(),
    async () => db.destroy(),
    async () => devServer?.stop(),
  );

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
      : `  Temporal         ${address}`,
    config.api.adminToken
      ? `  Start a day now  curl -XPOST ${base}/api/admin/fanout -H 'x-admin-token: ${config.api.adminToken === 'dev-admin-token-0123456789' ? config.api.adminToken : '<ADMIN_TOKEN>'}' -H 'content-type: application/json' -d '{"timeScale":240}'`
      : '',
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const stop of stops)
      await stop().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await worker.running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
