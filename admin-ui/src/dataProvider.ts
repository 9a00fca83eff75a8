// react-admin's stock simple-rest provider against the API's /api/ra resources.
import { fetchUtils } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { csrfToken } from './authProvider.ts';

export const httpClient = (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  if (options.method && options.method !== 'GET') headers.set('x-csrf-token', csrfToken());
  return fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
};

export const dataProvider = simpleRestProvider('/api/ra', httpClient);

/** JSON from one of the dashboard endpoints. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await httpClient(path);
  return res.json as T;
}
