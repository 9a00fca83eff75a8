// What the admin UI and the check-in page get from the API besides data: the built files compressed
// (br/gzip from the build's copies) with long-lived caching only for hashed names, the company's
// clock, a heat map with every day of the range, and the live non-submitter list in pages.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { addDays } from '../../domain/zoned-time.ts';
import { eventually, TestContext } from '../helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => ctx.close());

/** A GET with exactly these headers (fetch would add and undo Accept-Encoding itself). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    request(`${ctx.apiUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('built files', () => {
  test('compressed when accepted, hashed assets cached for a year, pages revalidated', async () => {
    const page = await get('/admin/', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.headers['content-type']), /text\/html/);
    const html = page.headers['content-encoding'] === 'br' ? brotliDecompressSync(page.body) : page.body;
    const script = /src="(\/admin\/assets\/admin-[^"]+\.js)"/.exec(html.toString())?.[1];
    assert.ok(script, 'the page links its hashed script');

    const plain = await get(script);
    assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: sent as is');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(plain.headers['content-type']), /javascript/);

    const br = await get(script, { 'accept-encoding': 'gzip, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} of ${plain.body.length} bytes`);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);

    const gz = await get(script, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), plain.body);

    const checkin = await get('/checkin', { 'accept-encoding': 'gzip' });
    assert.equal(checkin.status, 200);
    assert.equal(checkin.headers['cache-control'], 'no-cache');
    assert.match(String(checkin.headers['content-type']), /text\/html/);

    assert.equal((await get('/admin/assets/nothing-here.js')).status, 404);
    assert.equal((await get('/admin/..%2f..%2fpackage.json')).status, 404);
  });
});

describe('caching and content negotiation', () => {
  const scriptOf = async () => {
    const page = await get('/admin/');
    const script = /src="(\/admin\/assets\/admin-[^"]+\.js)"/.exec(page.body.toString())?.[1];
    assert.ok(script);
    return script;
  };

  test('Accept-Encoding is honoured: q=0 refuses an encoding, identity gets the file as built', async () => {
    const script = await scriptOf();
    const plain = await get(script);
    const noBr = await get(script, { 'accept-encoding': 'br;q=0, gzip' });
    assert.equal(noBr.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(noBr.body), plain.body);
    const identity = await get(script, { 'accept-encoding': 'identity' });
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.deepEqual(identity.body, plain.body);
    const any = await get(script, { 'accept-encoding': '*' });
    assert.equal(any.headers['content-encoding'], 'br');
    // every variant says it varies, so a shared cache keeps them apart
    for (const r of [plain, noBr, identity, any]) assert.match(String(r.headers.vary), /accept-encoding/i);
  });

  test('pages are revalidated cheaply (304), hashed files never', async () => {
    for (const path of ['/admin/', '/admin/index.html', '/checkin', '/pass/verify', '/checkin-sw.js']) {
      const first = await get(path, { 'accept-encoding': 'br, gzip' });
      assert.equal(first.status, 200, path);
      assert.equal(first.headers['cache-control'], 'no-cache', path);
      assert.match(String(first.headers.vary), /accept-encoding/i, path);
      const etag = first.headers.etag;
      assert.ok(typeof etag === 'string', `${path} has an ETag`);
      const again = await get(path, { 'accept-encoding': 'br, gzip', 'if-none-match': etag });
      assert.equal(again.status, 304, path);
      assert.equal(again.body.length, 0);
    }
    const script = await scriptOf();
    const br = await get(script, { 'accept-encoding': 'br' });
    const gz = await get(script, { 'accept-encoding': 'gzip' });
    // one ETag per encoding: a cache never answers a gzip client with brotli bytes
    assert.notEqual(br.headers.etag, gz.headers.etag);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
  });
});

describe('dashboard data for the UI', () => {
  test('the company clock is the company zone’s date, not UTC’s', async () => {
    await ctx.admin('GET', '/api/company/clock'); // the company policy row exists from the first read
    // UTC+14 and UTC-11: at any hour at least one of them is on another date than UTC.
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Shanghai']) {
      await ctx.db.updateTable('checkin_policies').set({ time_zone: zone }).execute();
      const before = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
      const clock = (await ctx.admin('GET', '/api/company/clock')).body;
      const after = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
      assert.equal(clock.timeZone, zone);
      assert.ok([before, after].includes(clock.today as string), `${zone}: ${String(clock.today)}`);
    }
    const anonymous = await fetch(`${ctx.apiUrl}/api/company/clock`);
    assert.equal(anonymous.status, 401);
  });

  test('the heat map lists every day of the range with days off marked', async () => {
    const r = await ctx.admin('GET', '/api/dashboard/heatmap?from=2026-09-28&to=2026-10-10');
    const days = r.body.days as { date: string; workday: boolean; name: string }[];
    assert.equal(days.length, 13);
    assert.equal(days[0]?.date, '2026-09-28');
    assert.equal(days.at(-1)?.date, addDays('2026-09-28', 12));
    const off = days.filter((d) => !d.workday).map((d) => d.date);
    assert.ok(off.includes('2026-10-01'), 'National Day is off');
    assert.ok(off.includes('2026-10-04'), 'a Sunday in the holiday is off');
    assert.match(days.find((d) => d.date === '2026-10-01')?.name ?? '', /国庆/);
    assert.equal(days.find((d) => d.date === '2026-09-29')?.workday, true);
  });

  test('non-submitters come 20 to a page with the total', async () => {
    const dept = await ctx.department({ size: 23 });
    await ctx.expectToday(dept.members);
    const page = async (n: number) =>
      (await ctx.admin('GET', `/api/dashboard/non-submitters?department=${dept.id}&page=${n}`)).body as {
        total: number;
        perPage: number;
        people: { id: number }[];
      };
    const [one, two] = [await page(1), await page(2)];
    assert.deepEqual([one.total, one.perPage, one.people.length, two.people.length], [23, 20, 20, 3]);
    const ids = new Set([...one.people, ...two.people].map((p) => p.id));
    assert.equal(ids.size, 23, 'no one twice, no one left out');
    assert.equal((await ctx.admin('GET', '/api/dashboard/non-submitters?page=0')).status, 400);
  });
});

describe('audit noise', () => {
  test('asking for one’s own session before signing in is not audited; other refusals are', async () => {
    const count = async (action: string) =>
      (
        await ctx.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('action', '=', action)
          .executeTakeFirstOrThrow()
      ).n;
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${ctx.apiUrl}/api/auth/me`)).status, 401);
    assert.equal((await fetch(`${ctx.apiUrl}/api/ra/records`)).status, 401);
    // the trail writes after the response: wait for the refused read's row, then count the probes
    await eventually(async () => Number(await count('GET /api/ra/records')) === 1, 5000);
    assert.equal(Number(await count('GET /api/auth/me')), 0);
  });
});
