// Sending a queued submission. Not reaching the server (offline, server down, gateway errors) keeps
// it pending for the next try, and so does a server that says it is busy and when to come back
// (503 or 429 with Retry-After); any other answer from the server settles it either way.
import { problemText } from '../problem-text.ts';
import { api, ApiError, NetworkError } from './api.ts';
import { translate } from './i18n.ts';
import { putSubmission, type QueuedSubmission, type StoredRecord } from './outbox.ts';
import { retryDelayMs } from './retry-after.ts';
import { identityProof, type Session } from './session.ts';
import type { Lang } from '../form-renderer/FormRenderer.tsx';

export async function sendQueued(
  item: QueuedSubmission,
  session: Session,
  lang: Lang,
): Promise<QueuedSubmission> {
  let next: QueuedSubmission;
  try {
    const identity = await identityProof(session).catch((err: unknown) => {
      // DingTalk could not give a code (no network in the app): try again later.
      throw new NetworkError(err instanceof Error ? err.message : 'no auth code');
    });
    const r = await api<{ record: StoredRecord }>('/api/me/checkins', {
      token: session.token,
      lang,
      body: {
        idempotencyKey: item.idempotencyKey,
        answers: item.answers,
        formVersion: item.formVersion,
        clientSubmittedAt: item.clientSubmittedAt,
        ...(identity ? { identity } : {}),
      },
    });
    next = {
      ...item,
      state: 'synced',
      record: r.record,
      error: undefined,
      blocked: undefined,
      retryAt: undefined,
    };
  } catch (err) {
    if (err instanceof NetworkError) return item;
    // Busy (or briefly unavailable, or too many tries) and told when to come back: nothing was
    // stored; kept and sent again, same key, after the wait the server asked for plus jitter.
    const wait = err instanceof ApiError ? retryDelayMs(err.problem.status, err.retryAfter) : undefined;
    if (wait !== undefined) {
      next = { ...item, state: 'pending', retryAt: Date.now() + wait };
      await putSubmission(next);
      return next;
    }
    // A session that expired while the submission waited: the caller signs in again and retries.
    if (err instanceof ApiError && (err.problem.status === 401 || err.problem.status >= 500)) throw err;
    // No consent to the current privacy notice: nothing was stored; keep it for after the consent.
    if (err instanceof ApiError && err.problem.code === 'consent_required') {
      next = { ...item, state: 'pending', blocked: 'consent', problem: err.problem };
      await putSubmission(next);
      return next;
    }
    const message = problemText(err, (key, vars) => translate(lang, key, vars), lang);
    next = {
      ...item,
      state: 'failed',
      error: message,
      ...(err instanceof ApiError && err.problem.code
        ? { errorCode: err.problem.code, problem: err.problem }
        : {}),
    };
  }
  await putSubmission(next);
  return next;
}
