// Cold load of the employee check-in page on an emulated 3G phone: the built page served by the
// real app (in-process, its own database), a fresh browser context each run (no HTTP cache, no
// service worker), Chrome DevTools' network presets applied through CDP, timed from navigation to
// the form's first field on screen. `npm run bench:checkin-3g -- [--runs N]` (needs `npm run build`
// and Debian's chromium). Figures are appended to bench/RESULTS.md.
import { appendFileSync, existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../scripts/chromium.ts';
import { checkinLink } from '../activities/reminders/messages.ts';
import { loadConfig } from '../config/config.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { workDateAt } from '../domain/zoned-time.ts';
import { signLinkToken } from '../platform/link-token.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { machine } from './machine.ts';
import { serveOfflineApi } from './offline-api.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(args.runs);
const DB_URL = 'postgres://postgres@127.0.0.1:5432/hc_bench_checkin_3g';
const root = join(import.meta.dirname, '..');

/** Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts), in CDP units: bytes/s and ms. */
const presets = {
  'Fast 3G': {
    latency: 150 * 3.75,
    downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
    uploadThroughput: ((750 * 1000) / 8) * 0.9,
  },
  'Slow 3G': {
    latency: 400 * 5,
    downloadThroughput: ((500 * 1000) / 8) * 0.8,
    uploadThroughput: ((500 * 1000) / 8) * 0.8,
  },
} as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main() {
  if (!existsSync(join(root, 'admin-ui/dist/checkin.html'))) throw new Error('run `npm run build` first');
  const config = loadConfig({
    DATABASE_URL: DB_URL,
    LOG_LEVEL: 'warn',
    DINGTALK_OAPI_URL: 'http://127.0.0.1:1',
  });
  await dropDatabase(DB_URL);
  await ensureDatabase(DB_URL);
  const db = withFieldKeys(createDb(DB_URL), new FieldKeyring(config.fieldEncryption));
  let server: Server | undefined;
  const browser = await launchChromium();
  try {
    await migrateToLatest(db);
    const dept = await db
      .insertInto('departments')
      .values({ name: '研发部' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const e = await db
      .insertInto('employees')
      .values({ dingtalk_user_id: 'bench-3g', name: '张三', department_id: dept.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const api = await serveOfflineApi(db, config);
    server = api.server;
    const base = api.base;
    const workDate = workDateAt(new Date(), (await getPolicy(db)).timeZone);
    const link = checkinLink(base, workDate, signLinkToken(config.api.sessionSecret, e.id, workDate));

    const lines: string[] = [];
    for (const [name, conditions] of Object.entries(presets)) {
      const times: number[] = [];
      let bytes = 0;
      let requests = 0;
      let encodings = new Set<string>();
      for (let i = 0; i < RUNS + 1; i++) {
        const context = await browser.newContext({
          viewport: { width: 360, height: 740 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          serviceWorkers: 'block',
        });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
        let runBytes = 0;
        let runRequests = 0;
        const runEncodings = new Set<string>();
        // BENCH_WATERFALL=1 prints when each request started and finished (seconds from the first)
        const waterfall = new Map<string, { url: string; sent: number; done?: number }>();
        cdp.on(
          'Network.requestWillBeSent',
          (ev: { requestId: string; timestamp: number; request: { url: string } }) =>
            waterfall.set(ev.requestId, { url: ev.request.url.replace(/\?.*/, ''), sent: ev.timestamp }),
        );
        cdp.on('Network.loadingFinished', (ev: { requestId: string; timestamp: number }) => {
          const w = waterfall.get(ev.requestId);
          if (w) w.done = ev.timestamp;
        });
        cdp.on('Network.loadingFinished', (ev: { encodedDataLength: number }) => {
          runBytes += ev.encodedDataLength;
          runRequests++;
        });
        cdp.on(
          'Network.responseReceived',
          (ev: { response: { headers: Record<string, string>; url: string } }) => {
            const enc = ev.response.headers['content-encoding'] ?? ev.response.headers['Content-Encoding'];
            if (/\.(js|css|html)(\?|$)|\/checkin\?/.test(ev.response.url))
              runEncodings.add(enc ?? 'identity');
          },
        );
        const start = Date.now();
        await page.goto(link, { waitUntil: 'commit' });
        await page.locator('[data-field=temperature] input').waitFor({ timeout: 120_000 });
        const ms = Date.now() - start;
        if (process.env.BENCH_WATERFALL && i === RUNS) {
          const t0 = Math.min(...[...waterfall.values()].map((w) => w.sent));
          for (const w of waterfall.values())
            console.log(
              `${name}  ${(w.sent - t0).toFixed(2)} → ${((w.done ?? NaN) - t0).toFixed(2)}  ${w.url}`,
            );
        }
        await context.close();
        if (i === 0) continue; // the first run warms the server (file reads, Postgres plans)
        times.push(ms);
        bytes = runBytes;
        requests = runRequests;
        encodings = runEncodings;
      }
      const line = `| ${name} (${Math.round(conditions.latency)} ms RTT, ${Math.round((conditions.downloadThroughput * 8) / 1000)} kbit/s down) | ${(median(times) / 1000).toFixed(2)} s | ${(Math.min(...times) / 1000).toFixed(2)}–${(Math.max(...times) / 1000).toFixed(2)} s | ${requests} | ${Math.round(bytes / 1024)} KB | ${[...encodings].join(', ')} |`;
      console.log(line);
      lines.push(line);
    }
    appendFileSync(
      join(root, 'bench/RESULTS.md'),
      [
        '',
        `## Check-in page cold load on emulated 3G (${new Date().toISOString().slice(0, 10)}, ${machine()})`,
        '',
        `Fresh context per run (no cache, no service worker), 360×740 phone, signed link → first form field visible; median of ${RUNS} runs after one warm-up.`,
        '',
        '| network | median | range | requests | transferred | encoding (html/js/css) |',
        '| --- | --- | --- | --- | --- | --- |',
        ...lines,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    server?.close();
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
