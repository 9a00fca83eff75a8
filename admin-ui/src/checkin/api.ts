// Calls to the API from the page: the session header, the language, problem+json errors.
import type { Lang } from '../form-renderer/FormRenderer.tsx';

import type { Problem as ProblemBody } from '../problem-text.ts';

export type Problem = ProblemBody & { status: number };

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** the answer's Retry-After header (503 busy or outage, 429), when it had one */
    readonly retryAfter?: string,
  ) {
    super(problem.title ?? `HTTP ${problem.status}`);
  }
}

/** A fetch that did not reach the server (offline, server down): the submission stays queued. */
export class NetworkError extends Error {}

export async function api<T>(
  path: string,
  opts: { method?: string; token?: string | null; body?: unknown; raw?: Blob; lang?: Lang } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': opts.lang === 'en' ? 'en' : 'zh-CN' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.raw) {
    body = opts.raw;
    headers['content-type'] = opts.raw.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  return settle<T>(res.status, await res.text(), res.headers.get('retry-after'));
}

/** An answer's body as the caller's value, or the ApiError / NetworkError it means. */
export function settle<T>(status: number, text: string, retryAfter?: string | null): T {
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page: treat like the server being away
    throw new NetworkError(`HTTP ${status}`);
  }
  if (status < 200 || status >= 300) {
    // Gateways and a restarting server answer 502-504: the same as not reaching it.
    if (status >= 502 && status <= 504 && !(json as Problem | undefined)?.code)
      throw new NetworkError(`HTTP ${status}`);
    throw new ApiError({ ...(json as Problem | undefined), status }, retryAfter ?? undefined);
  }
  return json as T;
}
