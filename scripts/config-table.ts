// The configuration table of docs/configuration.md, rendered from config/config.ts: every variable
// of envSchema, its default (what the schema yields when the variable is unset) and its description.
import { resolve } from 'node:path';
import prettier from 'prettier';
import { envDescriptions, envSchema, type EnvKey } from '../config/config.ts';

export const CONFIG_DOC = 'docs/configuration.md';
export const START = '<!-- config-table:start (npm run docs:config writes this table) -->';
export const END = '<!-- config-table:end -->';

function defaultOf(key: EnvKey): string {
  const r = envSchema.shape[key].safeParse(undefined);
  if (!r.success) return '_(required)_';
  const v: unknown = r.data;
  if (v === undefined) return '_(unset)_';
  if (Array.isArray(v)) return v.length === 0 ? '_(none)_' : `\`${v.join(',')}\``;
  return `\`${JSON.stringify(v).replace(/^"|"$/g, '')}\``;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigTable(): string {
  const keys = Object.keys(envSchema.shape) as EnvKey[];
  const rows = keys.map((k) => `| \`${k}\` | ${cell(defaultOf(k))} | ${cell(envDescriptions[k])} |`);
  return ['| Variable | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The document with the block between the markers replaced by a freshly rendered table. */
export function withConfigTable(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${CONFIG_DOC} lacks the markers ${START} … ${END}`);
  return `${doc.slice(0, from + START.length)}\n\n${renderConfigTable()}\n\n${doc.slice(to)}`;
}

export const configDocPath = resolve(import.meta.dirname, '..', CONFIG_DOC);

/** The whole document as `npm run docs:config` writes it: new table, formatted as lint wants it. */
export async function renderConfigDoc(doc: string): Promise<string> {
  return prettier.format(withConfigTable(doc), {
    ...(await prettier.resolveConfig(configDocPath)),
    filepath: configDocPath,
  });
}
