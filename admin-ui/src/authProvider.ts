// Sign-in against the API's session cookie (httpOnly, so JavaScript never sees it); inside the
// DingTalk app by 免登 without a login page. What the UI shows follows the permissions the API
// reports for the signed-in person.
import type { AuthProvider } from 'react-admin';
import { signInInsideDingTalk, stopDingTalkSignIn } from './dingtalk-signin.ts';

export interface Identity {
  id: string;
  fullName: string;
  roles: string[];
  permissions: string[];
}

let identity: Identity | null = null;

/** The CSRF token the API set in a readable cookie, echoed on every state-changing request. */
export const csrfToken = () =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith('hc_csrf='))
    ?.slice('hc_csrf='.length) ?? '';

let loading: Promise<Identity> | null = null;

async function fetchIdentity(): Promise<Identity> {
  const res = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (res.ok) identity = (await res.json()) as Identity;
  // Opened inside DingTalk (a review card on the phone): 免登 instead of the login page.
  else identity = await signInInsideDingTalk<Identity>();
  if (!identity) throw new Error('not signed in');
  return identity;
}

/** One request at a time: react-admin asks for the identity from several places at start-up. */
function loadIdentity(): Promise<Identity> {
  loading ??= fetchIdentity().finally(() => {
    loading = null;
  });
  return loading;
}

/** resource → [read permission, write permission] (the API enforces the same table) */
const resourcePermissions: Record<string, [string, string]> = {
  reviews: ['health:read', 'reviews:decide'],
  records: ['health:read', 'health:read'],
  employees: ['people:read', 'people:write'],
  departments: ['people:read', 'org:write'],
  reminders: ['people:read', 'people:read'],
  leaves: ['people:read', 'people:write'],
  audit: ['audit:read', 'audit:read'],
  'data-requests': ['data-requests:decide', 'data-requests:decide'],
  privacy_settings: ['config:read', 'privacy:write'],
  forms: ['config:read', 'config:write'],
  privacy: ['config:read', 'config:write'],
  exports: ['health:read', 'health:read'],
  dashboard: ['health:read', 'health:read'],
  settings: ['config:read', 'config:write'],
  calendar: ['config:read', 'calendar:write'],
  proxy_checkins: ['proxy:submit', 'proxy:submit'],
};

const READ_ACTIONS = new Set(['list', 'show', 'read', 'access']);

export function allowed(permissions: readonly string[], resource: string, action = 'list'): boolean {
  const pair = resourcePermissions[resource];
  if (!pair) return true;
  return permissions.includes(READ_ACTIONS.has(action) ? pair[0] : pair[1]);
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const res = await fetch('/api/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status === 429) throw new Error('auth.too_many_attempts');
    if (!res.ok) throw new Error('ra.auth.sign_in_error');
    identity = (await res.json()) as Identity;
  },
  async logout() {
    if (identity) stopDingTalkSignIn();
    identity = null;
    await fetch('/api/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': csrfToken() },
    }).catch(() => undefined);
  },
  async checkAuth() {
    if (!identity) await loadIdentity();
  },
  checkError(error: { status?: number }) {
    if (error.status === 401) {
      identity = null;
      return Promise.reject(new Error('signed out'));
    }
    return Promise.resolve();
  },
  async getIdentity() {
    const me = identity ?? (await loadIdentity());
    return { id: me.id, fullName: me.fullName };
  },
  async getPermissions() {
    return (identity ?? (await loadIdentity())).permissions;
  },
  async canAccess({ resource, action }: { resource: string; action: string }) {
    const me = identity ?? (await loadIdentity().catch(() => null));
    return me ? allowed(me.permissions, resource, action) : false;
  },
};
