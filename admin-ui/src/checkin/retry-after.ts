// When the server asks to be tried later: a busy API process refusing submissions (503 overloaded),
// a dependency outage (503 unavailable) or a rate limit (429), each with Retry-After. The page keeps
// the answer on the device and resends it, same idempotency key, once the wait is over. No DOM here:
// test/unit/checkin-retry.test.ts runs it in Node.

/** A Retry-After beyond this is not believed (a misconfigured proxy): wait this long at most. */
const MAX_SECONDS = 300;

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  // an HTTP date names its day and month ("Tue, 01 Dec 2026 01:00:30 GMT"); "-3" is no date
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * How long to wait before resending, or undefined when the answer is not "try again later" (then the
 * caller handles it as before). The server's wait (at least 1 s, at most MAX_SECONDS) plus up to as
 * much again at random: phones refused in the same second do not all come back in the same second.
 */
export function retryDelayMs(
  status: number,
  retryAfter: string | null | undefined,
  random: () => number = Math.random,
  now = Date.now(),
): number | undefined {
  if (status !== 503 && status !== 429) return undefined;
  const seconds = retryAfterSeconds(retryAfter, now);
  if (seconds === undefined) return undefined;
  const base = Math.min(Math.max(seconds, 1), MAX_SECONDS) * 1000;
  return Math.round(base + random() * base);
}
