// Who is filling in: a short-lived employee session from the signed link (outside DingTalk) or
// from a 免登 code (inside DingTalk, or a code handed over in the URL by the DingTalk fake's viewer).
import { api, ApiError } from './api.ts';
import { earlyLinkExchange } from './early.ts';
import { dingtalkAuthCode, inDingTalk } from './dingtalk.ts';
import type { IdentityProof } from './outbox.ts';

export interface Session {
  token: string;
  /** ms since epoch, read from the token's claims */
  expiresAt: number;
  /** the link the page was opened with: the proof for the link-token identity check */
  linkToken?: string;
}

const KEY = 'checkin.session';

function expiryOf(token: string): number {
  try {
    const body = token.split('.')[0] ?? '';
    const claims = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return (claims.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
}

export function storedSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() + 60_000 ? s : null;
  } catch {
    return null;
  }
}

function keep(token: string, linkToken?: string): Session {
  const s: Session = { token, expiresAt: expiryOf(token), ...(linkToken ? { linkToken } : {}) };
  localStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export function forgetSession() {
  localStorage.removeItem(KEY);
}

/**
 * A session for this visit. A link token or code in the URL wins (it may be another person's link
 * on a shared device) and is then removed from the address, so a reload (maybe offline) reuses the
 * stored session instead of exchanging it again.
 */
export async function signIn(): Promise<Session | null> {
  const url = new URL(location.href);
  const link = url.searchParams.get('t');
  const code = url.searchParams.get('authCode');
  let session: Session | null = null;
  if (link) {
    // started by the boot script while the page loaded, else asked now
    const r =
      (await earlyLinkExchange(link)) ??
      (await api<{ token: string }>('/api/auth/link', { body: { token: link } }));
    session = keep(r.token, link);
  } else if (code) {
    const r = await api<{ token: string }>('/api/auth/dingtalk', { body: { authCode: code } });
    session = keep(r.token);
  }
  if (link || code) {
    url.searchParams.delete('t');
    url.searchParams.delete('authCode');
    history.replaceState(null, '', url.pathname + url.search);
  }
  if (session) return session;
  const stored = storedSession();
  if (stored) return stored;
  if (inDingTalk()) {
    const r = await api<{ token: string }>('/api/auth/dingtalk', {
      body: { authCode: await dingtalkAuthCode() },
    });
    return keep(r.token);
  }
  return null;
}

/** The identity check's proof, obtained right before sending (a DingTalk code lives 5 minutes). */
export async function identityProof(session: Session): Promise<IdentityProof | undefined> {
  if (inDingTalk()) return { method: 'dingtalk-reauth', code: await dingtalkAuthCode() };
  if (session.linkToken) return { method: 'link-token', token: session.linkToken };
  return undefined;
}

export const isUnauthenticated = (err: unknown) => err instanceof ApiError && err.problem.status === 401;
