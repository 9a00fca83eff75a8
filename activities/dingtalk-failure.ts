// Turns DingTalk errors into Temporal's retry decisions.
import { ApplicationFailure } from '@temporalio/common';
import { DingTalkError } from '../dingtalk/errors.ts';

/** Throttling and transient errors are retried by Temporal with backoff; the rest are not. */
export function isPermanentDingTalkError(err: unknown): err is DingTalkError {
  return err instanceof DingTalkError && !err.retryable;
}

export function toRetryableFailure(err: unknown): Error {
  if (err instanceof DingTalkError) {
    return ApplicationFailure.create({
      message: err.message,
      type: 'DingTalkError',
      nonRetryable: !err.retryable,
      details: [{ errcode: err.errcode, api: err.api }],
    });
  }
  return err as Error;
}
