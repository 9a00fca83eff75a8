// The backup/restore drill on a small dataset: pg_dump of the test database, restore into a fresh
// one, every table's count and checksum equal, sealed fields open with the keyring — and the drill
// fails when they would not (another keyring) or a table differs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keyringOf } from '../../db/sealed-fields.ts';
import { FieldKeyring } from '../../security/field-crypto.ts';
import { compareSums, restoreDrill } from '../../scripts/restore-drill.ts';
import { newKey, TestContext, validAnswers } from '../helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await TestContext.create(import.meta.filename, { worker: 'none' });
});
after(async () => ctx.close());

describe('restore drill', () => {
  test('restores into a fresh database: counts and checksums match, sealed fields open', async () => {
    const dept = await ctx.department({ size: 3 });
    await ctx.expectToday(dept.members);
    for (const e of dept.members) {
      const r = await ctx.submit(e.id, { idempotencyKey: newKey(), answers: validAnswers });
      assert.equal(r.status, 201);
    }
    const r = await restoreDrill({
      databaseUrl: ctx.config.databaseUrl,
      keyring: keyringOf(ctx.db),
      sample: 50,
    });
    assert.deepEqual(r.differences, []);
    assert.deepEqual(r.sealed.failed, []);
    assert.ok(r.ok);
    assert.ok(r.tables > 10, `${r.tables} tables`);
    assert.ok(r.sealed.opened.answers >= 3, JSON.stringify(r.sealed.opened));
    assert.ok(r.sealed.opened.mobile >= 3, JSON.stringify(r.sealed.opened));
    assert.ok(r.seconds.backup !== null && r.seconds.restore > 0);

    // a parallel dump (directory format) restores and compares the same
    const parallel = await restoreDrill({
      databaseUrl: ctx.config.databaseUrl,
      keyring: keyringOf(ctx.db),
      sample: 5,
      dumpJobs: 2,
      jobs: 1,
    });
    assert.deepEqual(parallel.differences, []);
    assert.ok(parallel.ok);
    assert.equal(parallel.rows, r.rows);
    assert.ok(parallel.dumpMegabytes > 0);

    // another keyring: the restored ciphertexts do not open, so the drill fails
    const other = new FieldKeyring({ activeKeyId: 'x', keys: new Map([['x', Buffer.alloc(32, 9)]]) });
    const wrong = await restoreDrill({ databaseUrl: ctx.config.databaseUrl, keyring: other, sample: 5 });
    assert.equal(wrong.ok, false);
    assert.ok(wrong.sealed.failed.length > 0);
  });

  test('compareSums names missing, short and altered tables', () => {
    const src = new Map([
      ['a', { rows: 2, checksum: '10' }],
      ['b', { rows: 1, checksum: '5' }],
      ['c', { rows: 1, checksum: '7' }],
    ]);
    const dst = new Map([
      ['a', { rows: 1, checksum: '3' }],
      ['c', { rows: 1, checksum: '8' }],
      ['d', { rows: 0, checksum: '0' }],
    ]);
    assert.deepEqual(compareSums(src, dst), [
      'a: 2 rows, restored 1',
      'b: missing in the restore',
      'c: checksum differs',
      'd: only in the restore',
    ]);
  });
});
