// The published development secrets (session secret, operator key, field key) work only on a
// developer's machine: refused in production, with real DingTalk credentials, or when the API
// listens beyond loopback, whatever NODE_ENV says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEV_ADMIN_TOKEN,
  DEV_FIELD_ENCRYPTION_KEYS,
  DEV_SESSION_SECRET,
  loadConfig,
} from '../../config/config.ts';

const refused = (env: Record<string, string>, message: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (err: Error) => message.test(err.message),
  );

const realKeys = 'k1:' + Buffer.alloc(32, 7).toString('base64');

test('on loopback without DingTalk credentials the dev defaults apply (NODE_ENV unset)', () => {
  const c = loadConfig({});
  assert.equal(c.api.sessionSecret, DEV_SESSION_SECRET);
  assert.equal(c.api.adminToken, DEV_ADMIN_TOKEN);
});

for (const [why, env] of [
  ['real DingTalk credentials', { DINGTALK_APP_KEY: 'ding-real', DINGTALK_APP_SECRET: 'real-secret' }],
  ['a non-loopback API_HOST', { API_HOST: '0.0.0.0' }],
] as const) {
  test(`with ${why} and NODE_ENV unset the published defaults are refused`, () => {
    refused({ ...env }, /SESSION_SECRET: required when/);
    refused(
      { ...env, SESSION_SECRET: DEV_SESSION_SECRET, FIELD_ENCRYPTION_KEYS: realKeys },
      /published development secret/,
    );
    refused(
      { ...env, SESSION_SECRET: 'a-real-session-secret', FIELD_ENCRYPTION_KEYS: DEV_FIELD_ENCRYPTION_KEYS },
      /FIELD_ENCRYPTION_KEYS: the published development key/,
    );
    refused(
      {
        ...env,
        SESSION_SECRET: 'a-real-session-secret',
        FIELD_ENCRYPTION_KEYS: realKeys,
        ADMIN_TOKEN: DEV_ADMIN_TOKEN,
      },
      /ADMIN_TOKEN: the published development key/,
    );
    const c = loadConfig({
      ...env,
      SESSION_SECRET: 'a-real-session-secret',
      FIELD_ENCRYPTION_KEYS: realKeys,
    });
    assert.equal(c.api.adminToken, undefined, 'no operator key unless one is configured');
  });
}
