// react-admin's stock simple-rest provider against the API's /api/ra resources.
import { fetchUtils, HttpError } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { csrfToken } from './authProvider.ts';
import { i18nProvider } from './i18n/i18nProvider.ts';
import { issueText, problemOf, problemText, type Translate } from './problem-text.ts';

const translate: Translate = (key, vars) => i18nProvider.translate(key, vars);
const lang = () => (i18nProvider.getLocale() === 'en' ? 'en' : 'zh');

export const httpClient = async (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  if (options.method && options.method !== 'GET') headers.set('x-csrf-token', csrfToken());
  headers.set('Accept-Language', lang() === 'en' ? 'en' : 'zh-CN');
  try {
    return await fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
  } catch (err) {
    // The problem in the UI's words as the message (its code from the packs' problem.* keys with
    // the server's params, then each field's issue.* detail), so every notify(err.message) reads
    // e.g. 没有权限执行此操作 or the policy rule that failed, never the server's English title.
    // The body stays as the server sent it for screens that place field errors themselves.
    const code = problemOf(err)?.code;
    if (err instanceof HttpError && typeof code === 'string')
      throw new HttpError(problemText(err, translate, lang()), err.status, err.body);
    throw err;
  }
};

/**
 * For react-admin's forms: a refused save's field errors keyed by field (shown under the input of
 * that name, translated) and the whole text as root.serverError (the notification).
 */
const raHttpClient = async (url: string, options: fetchUtils.Options = {}) => {
  try {
    return await httpClient(url, options);
  } catch (err) {
    const p = problemOf(err);
    if (!(err instanceof HttpError) || !p?.errors?.length) throw err;
    const byField: Record<string, unknown> = { root: { serverError: err.message } };
    for (const i of p.errors) byField[i.field] ??= issueText(i, translate, lang());
    throw new HttpError(err.message, err.status, { ...p, errors: byField });
  }
};

export const dataProvider = simpleRestProvider('/api/ra', raHttpClient);

/** JSON from one of the dashboard endpoints. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await httpClient(path);
  return res.json as T;
}
