// The form versions API (/api/forms) and how its validation errors map onto the editor.
import type { FormDefinition } from '../../../domain/forms/form-definition.ts';
import { getJson, httpClient } from '../dataProvider.ts';
import { issueText, problemOf, problemTitle, type Translate } from '../problem-text.ts';

export type FormStatus = 'draft' | 'published' | 'retired';

export interface FormVersion {
  version: number;
  status: FormStatus;
  definition: FormDefinition;
  note: string | null;
  created_at: string;
  published_at: string | null;
}

export const listVersions = () => getJson<FormVersion[]>('/api/forms');
export const getVersion = (version: number) => getJson<FormVersion>(`/api/forms/${version}`);

const send = async (url: string, method: string, body?: unknown) =>
  (await httpClient(url, { method, body: body === undefined ? undefined : JSON.stringify(body) }))
    .json as FormVersion;

const draftBody = (definition: FormDefinition, note: string) => ({
  definition,
  ...(note.trim() ? { note: note.trim() } : {}),
});

export const createDraft = (definition: FormDefinition, note: string) =>
  send('/api/forms', 'POST', draftBody(definition, note));
export const saveDraft = (version: number, definition: FormDefinition, note: string) =>
  send(`/api/forms/${version}`, 'PUT', draftBody(definition, note));
export const publish = (version: number) => send(`/api/forms/${version}/publish`, 'POST');

/** Errors by path inside the definition ("fields.2.options"), from the API's problem+json. */
export type PathErrors = Record<string, string>;

export function errorsOf(e: unknown, t: Translate, lang: 'zh' | 'en'): { paths: PathErrors; title: string } {
  const body = problemOf(e);
  const paths: PathErrors = {};
  for (const x of body?.errors ?? []) {
    const path = x.field.replace(/^definition\.?/, '') || 'fields';
    const text = issueText(x, t, lang);
    paths[path] = paths[path] ? `${paths[path]}; ${text}` : text;
  }
  return { paths, title: problemTitle(body, t, String((e as Error).message ?? e)) };
}

/** The errors under `prefix.` with the prefix taken off. */
export function errorsUnder(errors: PathErrors, prefix: string): PathErrors {
  const out: PathErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    if (k === prefix) out[''] = v;
    else if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
  }
  return out;
}
