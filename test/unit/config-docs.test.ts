// docs/configuration.md's table is generated from config/config.ts: a setting added, removed or
// re-described without `npm run docs:config` fails here, so the document cannot drift from the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { envDescriptions, envSchema } from '../../config/config.ts';
import { configDocPath, renderConfigDoc } from '../../scripts/config-table.ts';

describe('docs/configuration.md', () => {
  test('its table is the one npm run docs:config generates from config/config.ts', async () => {
    const committed = readFileSync(configDocPath, 'utf8');
    assert.equal(committed, await renderConfigDoc(committed), 'stale: run `npm run docs:config`');
  });

  test('every variable is described, and every description names a variable', () => {
    assert.deepEqual(Object.keys(envDescriptions).sort(), Object.keys(envSchema.shape).sort());
    for (const [k, d] of Object.entries(envDescriptions))
      assert.ok(d.trim().length > 5, `${k}: no description`);
  });

  test('a new setting shows up in the generated table with its default', async () => {
    const doc = await renderConfigDoc(readFileSync(configDocPath, 'utf8'));
    for (const k of Object.keys(envSchema.shape))
      assert.match(doc, new RegExp(`\\| \`${k}\` +\\|`), `${k} is not in the table`);
    assert.match(doc, /\| `OUTBOX_POLL_MS` +\| `2000` +\|/);
    assert.match(doc, /\| `TEMPORAL_ADDRESS` +\| _\(unset\)_ +\|/);
  });
});
