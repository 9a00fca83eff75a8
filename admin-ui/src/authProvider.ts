// Until sign-in with roles lands, the admin UI signs in with the operator token.
import type { AuthProvider } from 'react-admin';

const KEY = 'hc-admin-token';
export const adminToken = () => localStorage.getItem(KEY) ?? '';

export const authProvider: AuthProvider = {
  async login({ password }: { username?: string; password: string }) {
    const res = await fetch('/api/dashboard/today', { headers: { 'x-admin-token': password } });
    if (!res.ok) throw new Error('ra.auth.sign_in_error');
    localStorage.setItem(KEY, password);
  },
  logout: () => {
    localStorage.removeItem(KEY);
    return Promise.resolve();
  },
  checkAuth: () => (adminToken() ? Promise.resolve() : Promise.reject(new Error('not signed in'))),
  checkError: (error: { status?: number }) =>
    error.status === 401
      ? (localStorage.removeItem(KEY), Promise.reject(new Error('signed out')))
      : Promise.resolve(),
  getPermissions: () => Promise.resolve('admin'),
  getIdentity: () => Promise.resolve({ id: 'admin', fullName: '管理员' }),
};
