// The process's end is on purpose: SIGTERM drains (stop steps in reverse, exit 0), an unhandled
// rejection or uncaught exception is logged and drains too (exit 1), a second signal does not run
// the steps twice, and a step that hangs cannot keep the process up past its grace period.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { createLogger } from '../../config/logger.ts';
import { Lifecycle } from '../../platform/lifecycle.ts';

function harness(graceMs = 1000) {
  const events = new EventEmitter();
  const exits: number[] = [];
  let exited!: () => void;
  const done = new Promise<void>((r) => (exited = r));
  const lifecycle = new Lifecycle(createLogger('silent', 'lifecycle-test'), graceMs, (code) => {
    exits.push(code);
    exited();
  }).install(events);
  const stopped: string[] = [];
  return { events, exits, done, lifecycle, stopped };
}

describe('process lifecycle', () => {
  test('SIGTERM stops the steps in reverse order of start, once, and exits 0', async () => {
    const h = harness();
    for (const name of ['database', 'temporal', 'http server'])
      h.lifecycle.onStop(name, () => Promise.resolve(void h.stopped.push(name)));
    h.events.emit('SIGTERM');
    h.events.emit('SIGINT');
    await h.done;
    assert.deepEqual(h.stopped, ['http server', 'temporal', 'database']);
    assert.deepEqual(h.exits, [0]);
  });

  test('an unhandled rejection and an uncaught exception drain the process and exit 1', async () => {
    for (const event of ['unhandledRejection', 'uncaughtException']) {
      const h = harness();
      h.lifecycle.onStop('worker', () => Promise.resolve(void h.stopped.push('worker')));
      h.events.emit(event, new Error(`boom: ${event}`));
      await h.done;
      assert.deepEqual(h.stopped, ['worker'], event);
      assert.deepEqual(h.exits, [1], event);
    }
  });

  test('a failing step does not stop the others, and the exit says it failed', async () => {
    const h = harness();
    h.lifecycle.onStop('database', () => Promise.resolve(void h.stopped.push('database')));
    h.lifecycle.onStop('worker', () => Promise.reject(new Error('stuck')));
    h.events.emit('SIGTERM');
    await h.done;
    assert.deepEqual(h.stopped, ['database']);
    assert.deepEqual(h.exits, [1]);
  });

  test('a step that never ends is cut off after the grace period (plus closing time)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const h = harness(100);
    h.lifecycle.onStop('hangs', () => new Promise(() => undefined));
    h.events.emit('SIGTERM');
    await Promise.resolve();
    t.mock.timers.tick(100 + 5000);
    await h.done;
    assert.deepEqual(h.exits, [1]);
  });
});
