// Every message key the admin UI can show exists in Simplified Chinese (no raw keys, no English
// fallback), and our own English labels cover the same keys as the Chinese ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import englishMessages from 'ra-language-english';
import { appEn, en } from '../../admin-ui/src/i18n/en.ts';
import { appZh, zh } from '../../admin-ui/src/i18n/zh.ts';

type Tree = { [k: string]: unknown };
const leaves = (o: Tree, prefix = ''): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? leaves(v as Tree, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
const get = (o: Tree, path: string): unknown =>
  path.split('.').reduce<unknown>((x, k) => (x as Tree | undefined)?.[k], o);
// Values that are only placeholders or blanks ("%{name} %{recordRepresentation}", " ") need no translation.
const needsWords = (v: string) => /[A-Za-z]/.test(v.replace(/%\{[^}]+\}/g, ''));

test('every react-admin 5 and app key has a Chinese text in zh', () => {
  const missing = [...leaves(englishMessages as unknown as Tree), ...leaves(appEn)]
    .filter(([, enText]) => needsWords(enText))
    .filter(([key]) => {
      const v = get(zh, key);
      return typeof v !== 'string' || !/[\u4e00-\u9fff]/.test(v);
    })
    .map(([key]) => key);
  assert.deepEqual(missing, []);
});

test('our English and Chinese labels cover the same keys', () => {
  assert.deepEqual(
    leaves(appEn)
      .map(([k]) => k)
      .sort(),
    leaves(appZh)
      .map(([k]) => k)
      .sort(),
  );
  assert.equal(get(en as unknown as Tree, 'ra.action.save'), 'Save');
});
