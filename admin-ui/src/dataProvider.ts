// react-admin's stock simple-rest provider against the API's /api/ra resources.
import { fetchUtils } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { adminToken } from './authProvider.ts';

export const httpClient = (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  headers.set('x-admin-token', adminToken());
  return fetchUtils.fetchJson(url, { ...options, headers });
};

export const dataProvider = simpleRestProvider('/api/ra', httpClient);

/** JSON from one of the dashboard endpoints. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await httpClient(path);
  return res.json as T;
}
