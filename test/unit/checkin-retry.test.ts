// The check-in page's decision to resend later (admin-ui/src/checkin/retry-after.ts): a 503 or 429
// with Retry-After waits that long plus jitter; anything else is handled as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterSeconds, retryDelayMs } from '../../admin-ui/src/checkin/retry-after.ts';

/** Math.random's stand-in: always `x` */
const random = (x: number) => () => x;

test('Retry-After as delta-seconds or an HTTP date', () => {
  const now = Date.parse('2026-12-01T01:00:00Z');
  assert.equal(retryAfterSeconds('5', now), 5);
  assert.equal(retryAfterSeconds(' 120 ', now), 120);
  assert.equal(retryAfterSeconds('Tue, 01 Dec 2026 01:00:30 GMT', now), 30);
  assert.equal(retryAfterSeconds('Tue, 01 Dec 2026 00:59:00 GMT', now), 0, 'a date in the past: now');
  assert.equal(retryAfterSeconds(null, now), undefined);
  assert.equal(retryAfterSeconds('', now), undefined);
  assert.equal(retryAfterSeconds('soon', now), undefined);
  assert.equal(retryAfterSeconds('-3', now), undefined);
});

test('503 and 429 with Retry-After: that wait plus up to as much again', () => {
  assert.equal(retryDelayMs(503, '5', random(0)), 5000);
  assert.equal(retryDelayMs(503, '5', random(0.5)), 7500);
  assert.equal(retryDelayMs(429, '10', random(0.999)), 19_990);
  // jitter spreads phones refused together
  const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(503, '5')));
  assert.ok(waits.size > 10);
  for (const w of waits) assert.ok(w !== undefined && w >= 5000 && w < 10_000, String(w));
});

test('bounds: at least 1 s, at most 5 min', () => {
  assert.equal(retryDelayMs(503, '0', random(0)), 1000);
  assert.equal(retryDelayMs(503, '86400', random(0)), 300_000);
});

test('not "try again later": other statuses, or no Retry-After', () => {
  assert.equal(retryDelayMs(503, null), undefined);
  assert.equal(retryDelayMs(429, undefined), undefined);
  assert.equal(retryDelayMs(500, '5'), undefined);
  assert.equal(retryDelayMs(409, '5'), undefined);
  assert.equal(retryDelayMs(422, '5'), undefined);
});
