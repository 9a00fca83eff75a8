// `npm run docs:config`: rewrites the configuration table in docs/configuration.md from
// config/config.ts (envSchema and envDescriptions). test/unit/config-docs.test.ts fails when the
// committed table differs, so run this after adding or changing a setting.
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_DOC, configDocPath, renderConfigDoc } from './config-table.ts';

const before = readFileSync(configDocPath, 'utf8');
const after = await renderConfigDoc(before);
if (after === before) console.log(`${CONFIG_DOC} is up to date`);
else {
  writeFileSync(configDocPath, after);
  console.log(`${CONFIG_DOC} rewritten`);
}
