// Every message key the admin UI can show exists in Simplified Chinese (no raw keys, no English
// fallback), and our own English labels cover the same keys as the Chinese ones.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

/** The string literals of a union type or list as written in a source file. */
const literalsIn = (file: string, after: RegExp) => {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const start = text.search(after);
  assert.ok(start >= 0, `${String(after)} in ${file}`);
  const body = text.slice(start, text.indexOf(';', start));
  return [...body.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] as string);
};

test('every server value the UI shows has words in both languages', () => {
  const wanted = [
    // problem+json codes: the UI shows problem.<code>, never the server's English title
    ...literalsIn('api/http/errors.ts', /export type ErrorCode/).map((c) => `problem.${c}`),
    // the detail codes of a refused field (domain/issue-codes.ts): issue.<code>
    ...literalsIn('domain/issue-codes.ts', /export type IssueCode/).map((c) => `issue.${c}`),
    ...literalsIn('db/database.ts', /export type ReminderStatus/).map(
      (s) => `resources.reminders.values.status.${s}`,
    ),
    // the audited reads named by routes (auditRead) and the actions routes note by name
    ...['records.list', 'reviews.list', 'records.read', 'reviews.read', 'attachments.read']
      .concat(['exports.create', 'exports.download', 'auth.signin', 'auth.signout', 'checkins.proxy'])
      .map((a) => `audit.actions.${a.replace(/\./g, '_')}`),
  ];
  assert.ok(wanted.length > 25);
  for (const [name, pack, script] of [
    ['zh', zh, /[\u4e00-\u9fff]/],
    ['en', en, /^[^\u4e00-\u9fff]+$/],
  ] as const) {
    const missing = wanted.filter((k) => {
      const v = get(pack, k);
      return typeof v !== 'string' || !script.test(v);
    });
    assert.deepEqual(missing, [], `${name} lacks words for`);
  }
});

test('a server message names the same values in both languages', () => {
  const names = (v: unknown) => [...String(v).matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort();
  const differing = leaves({ issue: appEn.issue, problem: appEn.problem })
    .map(([k]) => k)
    .filter((k) => JSON.stringify(names(get(en, k))) !== JSON.stringify(names(get(zh, k))));
  assert.deepEqual(differing, []);
});
