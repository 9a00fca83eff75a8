// The bound on submissions in progress (api/checkins/admission.ts): counts, refuses one over the
// bound with 503 overloaded and Retry-After, never loses a slot (a release counts once).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Request, Response } from 'express';
import {
  admitSubmissions,
  OVERLOAD_RETRY_AFTER_SECONDS,
  SubmissionAdmission,
} from '../../api/checkins/admission.ts';
import { AppError } from '../../api/http/errors.ts';

test('lets in up to the bound, refuses the one over it, and lets one in again after a release', () => {
  const a = new SubmissionAdmission(2);
  const first = a.tryAcquire();
  const second = a.tryAcquire();
  assert.ok(first && second);
  assert.equal(a.inFlight, 2);
  assert.equal(a.tryAcquire(), undefined);
  assert.equal(a.inFlight, 2, 'a refusal is not counted');
  first();
  first(); // a second release of the same slot changes nothing
  assert.equal(a.inFlight, 1);
  const third = a.tryAcquire();
  assert.ok(third);
  assert.equal(a.tryAcquire(), undefined);
  second();
  third();
  assert.equal(a.inFlight, 0);
});

test('0 is no bound (still counted)', () => {
  const a = new SubmissionAdmission(0);
  const releases = Array.from({ length: 1000 }, () => a.tryAcquire());
  assert.ok(releases.every(Boolean));
  assert.equal(a.inFlight, 1000);
  for (const r of releases) r?.();
  assert.equal(a.inFlight, 0);
});

/** A response as far as the middleware uses it: events and headers. */
function fakeResponse() {
  const res = new EventEmitter() as EventEmitter & { headers: Record<string, string> };
  res.headers = {};
  Object.assign(res, {
    setHeader: (name: string, value: string) => {
      res.headers[name.toLowerCase()] = value;
    },
  });
  return res;
}

test('the middleware: a slot from entry until the answer finishes or the connection closes', () => {
  const a = new SubmissionAdmission(1);
  const mw = admitSubmissions(a);
  const run = (res: ReturnType<typeof fakeResponse>) => {
    const seen: unknown[] = [];
    mw({} as Request, res as unknown as Response, (err?: unknown) => seen.push(err));
    return seen;
  };
  const held = fakeResponse();
  assert.deepEqual(run(held), [undefined], 'let in');
  assert.equal(a.inFlight, 1);

  const refused = fakeResponse();
  const [err] = run(refused);
  assert.ok(err instanceof AppError);
  assert.equal(err.code, 'overloaded');
  assert.equal(err.status, 503);
  assert.equal(err.retryAfterSeconds, OVERLOAD_RETRY_AFTER_SECONDS);
  assert.deepEqual(err.params, { retryAfter: OVERLOAD_RETRY_AFTER_SECONDS });
  assert.match(err.message, /服务繁忙/);
  assert.match(err.message, /busy/);
  assert.equal(refused.headers['cache-control'], 'no-store');
  // the refused request's own end releases nothing it did not take
  refused.emit('finish');
  refused.emit('close');
  assert.equal(a.inFlight, 1);

  held.emit('finish');
  held.emit('close'); // Node emits both for a finished answer: counted once
  assert.equal(a.inFlight, 0);

  // a client that hangs up: the slot goes with the connection
  const gone = fakeResponse();
  run(gone);
  assert.equal(a.inFlight, 1);
  gone.emit('close');
  assert.equal(a.inFlight, 0);
});
