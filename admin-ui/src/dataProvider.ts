// react-admin's stock simple-rest provider against the API's /api/ra resources.
import { fetchUtils, HttpError } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { csrfToken } from './authProvider.ts';

export const httpClient = async (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  if (options.method && options.method !== 'GET') headers.set('x-csrf-token', csrfToken());
  try {
    return await fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
  } catch (err) {
    // The problem's stable code as the message: react-admin's notifications translate it from
    // the packs' problem.* keys, so a 403 reads 没有权限执行此操作, not the server's English title.
    const code = ((err as HttpError).body as { code?: unknown } | undefined)?.code;
    if (err instanceof HttpError && typeof code === 'string')
      throw new HttpError(`problem.${code}`, err.status, err.body);
    throw err;
  }
};

export const dataProvider = simpleRestProvider('/api/ra', httpClient);

/** JSON from one of the dashboard endpoints. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await httpClient(path);
  return res.json as T;
}
