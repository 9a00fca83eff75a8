// AES-256-GCM field encryption: round trips, random IVs, and every kind of bad input refused with
// CiphertextError (never garbage); the keyring's configuration and its errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEV_FIELD_ENCRYPTION_KEYS, loadConfig } from '../../config/config.ts';
import { CiphertextError, FieldKeyring, isCiphertext, keyIdOf } from '../../security/field-crypto.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = new FieldKeyring({ activeKeyId: 'k1', keys: new Map([['k1', k1]]) });
const AAD = 'health_records.answers';
const answers = { temperature: 38.7, healthCode: 'yellow', location: '上海市浦东新区' };

/** Flips one bit of the base64url part `i` (1 kid, 2 iv, 3 tag, 4 ct) of a text ciphertext. */
function flip(ct: string, i: number): string {
  const parts = ct.split('.');
  const bytes = Buffer.from(parts[i] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[i] = bytes.toString('base64url');
  return parts.join('.');
}

const refused = (fn: () => unknown, problem: CiphertextError['problem']) =>
  assert.throws(fn, (err: unknown) => err instanceof CiphertextError && err.problem === problem);

describe('field crypto', () => {
  test('JSON, text and bytes round-trip; the ciphertext names its version and key', () => {
    const ct = ring.encryptJson(answers, AAD);
    assert.match(ct, /^hc1\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    assert.equal(keyIdOf(ct), 'k1');
    assert.ok(isCiphertext(ct));
    assert.ok(!ct.includes('38.7') && !ct.includes('yellow'));
    assert.deepEqual(ring.decryptJson(ct, AAD), answers);
    assert.equal(
      ring.decryptText(ring.encryptText('13812345678', 'employees.mobile'), 'employees.mobile'),
      '13812345678',
    );
    assert.equal(ring.decryptText(ring.encryptText('', 'x'), 'x'), '');
    const photo = randomBytes(5000);
    const sealed = ring.encryptBytes(photo, 'photos.health_code');
    assert.equal(keyIdOf(sealed), 'k1');
    assert.ok(ring.decryptBytes(sealed, 'photos.health_code').equals(photo));
  });

  test('a random IV per encryption: equal plaintexts give different ciphertexts', () => {
    const a = ring.encryptJson(answers, AAD);
    const b = ring.encryptJson(answers, AAD);
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
    assert.deepEqual(ring.decryptJson(b, AAD), ring.decryptJson(a, AAD));
  });

  test('a tampered IV, tag or ciphertext is refused', () => {
    const ct = ring.encryptJson(answers, AAD);
    for (const part of [2, 3, 4]) refused(() => ring.decryptJson(flip(ct, part), AAD), 'auth_failed');
    const bytes = ring.encryptBytes(Buffer.from('photo'), 'p');
    for (const at of [8, bytes.length - 1]) {
      const t = Buffer.from(bytes);
      t[at] = (t[at] as number) ^ 1;
      refused(() => ring.decryptBytes(t, 'p'), 'auth_failed');
    }
  });

  test('truncated, re-shaped or foreign input is refused as malformed', () => {
    const ct = ring.encryptText('36.5', AAD);
    const [v, kid, iv, tag, body] = ct.split('.') as [string, string, string, string, string];
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 12).toString('base64url');
    for (const bad of [
      [v, kid, iv, shortTag, body].join('.'), // GCM would accept a 12-byte tag
      [v, kid, iv.slice(0, 8), tag, body].join('.'),
      [v, kid, iv, tag].join('.'),
      ['hc2', kid, iv, tag, body].join('.'),
      `${ct}!`,
      '{"temperature":36.5}',
      '',
    ]) {
      refused(() => ring.decryptText(bad, AAD), 'malformed');
    }
    refused(() => ring.decryptBytes(Buffer.from('hc1'), 'p'), 'malformed');
    refused(() => keyIdOf('plain text'), 'malformed');
    assert.equal(isCiphertext('hc1.looks.like.it.but'), false);
    // Authentic, but not JSON: still an error, not a string pretending to be answers.
    refused(() => ring.decryptJson(ring.encryptText('not json', AAD), AAD), 'malformed');
  });

  test('a ciphertext under a key the ring does not hold is refused, naming the key', () => {
    const other = new FieldKeyring({ activeKeyId: 'k2', keys: new Map([['k2', k2]]) });
    const ct = other.encryptJson(answers, AAD);
    assert.throws(() => ring.decryptJson(ct, AAD), /no field encryption key "k2"/);
    refused(() => ring.decryptJson(ct, AAD), 'unknown_key');
    // Relabelled with a known kid it still fails: the key id is authenticated too.
    refused(() => ring.decryptJson(ct.replace('.k2.', '.k1.'), AAD), 'auth_failed');
  });

  test('associated data binds a ciphertext to its column: copied elsewhere it is refused', () => {
    const ct = ring.encryptText('13812345678', 'employees.mobile');
    refused(() => ring.decryptText(ct, 'reviews.comment'), 'auth_failed');
    const bytes = ring.encryptBytes(Buffer.from('photo'), 'photos.a');
    refused(() => ring.decryptBytes(bytes, 'photos.b'), 'auth_failed');
  });

  test('a ring with several keys opens all of them and seals with the active one', () => {
    const old = ring.encryptJson(answers, AAD);
    const both = new FieldKeyring({
      activeKeyId: 'k2',
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
    });
    assert.deepEqual(both.decryptJson(old, AAD), answers);
    assert.equal(keyIdOf(both.encryptJson(answers, AAD)), 'k2');
  });

  test('the keyring refuses short keys, bad key ids and an active key it does not hold', () => {
    assert.throws(
      () => new FieldKeyring({ activeKeyId: 'a', keys: new Map([['a', randomBytes(16)]]) }),
      /32 bytes/,
    );
    assert.throws(() => new FieldKeyring({ activeKeyId: 'a.b', keys: new Map([['a.b', k1]]) }), /invalid/);
    assert.throws(
      () => new FieldKeyring({ activeKeyId: 'z', keys: new Map([['a', k1]]) }),
      /not in the keyring/,
    );
  });
});

describe('field encryption configuration', () => {
  const b64 = (b: Buffer) => b.toString('base64');
  const invalid = (env: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => loadConfig(env),
      (err: Error) => message.test(err.message),
    );

  test('development and test default to the published dev key; production requires keys and refuses it', () => {
    const dev = loadConfig({ NODE_ENV: 'test' }).fieldEncryption;
    assert.equal(dev.activeKeyId, 'dev');
    assert.equal(dev.keys.get('dev')?.length, 32);
    invalid(
      { NODE_ENV: 'production', SESSION_SECRET: 'a-production-session-secret' },
      /FIELD_ENCRYPTION_KEYS: required in production/,
    );
    invalid(
      {
        NODE_ENV: 'production',
        SESSION_SECRET: 'a-production-session-secret',
        FIELD_ENCRYPTION_KEYS: DEV_FIELD_ENCRYPTION_KEYS,
      },
      /development key cannot be used in production/,
    );
    const prod = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-session-secret',
      FIELD_ENCRYPTION_KEYS: `2026a:${b64(k1)}`,
    });
    assert.equal(prod.fieldEncryption.activeKeyId, '2026a');
    assert.ok(prod.fieldEncryption.keys.get('2026a')?.equals(k1));
  });

  test('several keys: the active one must be named and present', () => {
    const keys = `old:${b64(k1)}, new:${b64(k2)}`;
    invalid({ FIELD_ENCRYPTION_KEYS: keys }, /FIELD_ENCRYPTION_ACTIVE_KEY: required when several keys/);
    invalid({ FIELD_ENCRYPTION_KEYS: keys, FIELD_ENCRYPTION_ACTIVE_KEY: 'other' }, /"other" is not one of/);
    const c = loadConfig({ FIELD_ENCRYPTION_KEYS: keys, FIELD_ENCRYPTION_ACTIVE_KEY: 'new' }).fieldEncryption;
    assert.deepEqual([c.activeKeyId, [...c.keys.keys()]], ['new', ['old', 'new']]);
  });

  test('every key must be exactly 32 bytes of base64 under a well-formed, unique id', () => {
    invalid({ FIELD_ENCRYPTION_KEYS: `a:${b64(randomBytes(31))}` }, /key "a" must be exactly 32 bytes/);
    invalid({ FIELD_ENCRYPTION_KEYS: `a:${b64(randomBytes(33))}` }, /key "a" must be exactly 32 bytes/);
    invalid({ FIELD_ENCRYPTION_KEYS: `a:${b64(k1).replace(/^./, '!')}` }, /key "a" must be exactly 32 bytes/);
    invalid({ FIELD_ENCRYPTION_KEYS: b64(k1) }, /expected "kid:base64key/);
    invalid({ FIELD_ENCRYPTION_KEYS: `a.b:${b64(k1)}` }, /expected "kid:base64key/);
    invalid(
      { FIELD_ENCRYPTION_KEYS: `a:${b64(k1)},a:${b64(k2)}`, FIELD_ENCRYPTION_ACTIVE_KEY: 'a' },
      /key id "a" is listed twice/,
    );
  });
});
