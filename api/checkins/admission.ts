// Admission control for submissions (issue #15): an API process that is offered more submissions
// than it can store queues them inside itself (event loop, Postgres pool, group commit) and the
// wait grows without bound (measured: p50 8.4 s, p99 13.9 s at 100/s offered on two cores, while
// clients give up after 15 s and the server still commits later). With a bound on the submissions
// one process works on at once, the one over it is refused at once with 503 and Retry-After: it costs
// next to nothing, nothing is read or written for it, and the page keeps the answer on the device
// and resends it under the same idempotency key (stored once).
//
// Why a count and not also a bound on the oldest one's wait: the count alone is deterministic (it
// depends only on how many are inside, not on timing), and by Little's law it bounds the wait of the
// ones let in to about bound / throughput (256 / 50-200 per second ≈ 1.3-5 s, under the clients' 15 s).
// An "oldest waiting longer than X" rule would let one slow submission (a DingTalk identity check that
// takes its time, a recheck waiting for a row lock) refuse everyone behind it, and is harder to reason
// about and to test.
import type { RequestHandler } from 'express';
import { submissionsInFlight } from '../../platform/metrics.ts';
import { overloaded } from '../http/errors.ts';

/** Seconds a refused client waits before resending (the page adds up to as much again as jitter). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 5;

/** Counts the submissions in progress and refuses one over `max` (0 = no bound). */
export class SubmissionAdmission {
  private count = 0;

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.count;
  }

  /** A release function (idempotent) when the submission may go on, undefined when it is refused. */
  tryAcquire(): (() => void) | undefined {
    if (this.max > 0 && this.count >= this.max) return undefined;
    this.count++;
    submissionsInFlight.inc();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.count--;
      submissionsInFlight.dec();
    };
  }
}

/**
 * Mounted on the submission routes ahead of the body parser, the audit trail and authentication, so
 * a refusal reads nothing, writes nothing (no audit row: it changed nothing, and a row per refusal
 * would add load to the database that is already the bottleneck; hc_submissions_total counts it)
 * and waits for nothing. A submission counts until its answer is sent or its connection closes,
 * whichever comes first: a client that hung up stops counting although its work may finish later,
 * but a slot is never lost (one that were would refuse for ever).
 */
export function admitSubmissions(admission: SubmissionAdmission): RequestHandler {
  return (_req, res, next) => {
    const release = admission.tryAcquire();
    if (!release) {
      res.setHeader('cache-control', 'no-store');
      return next(overloaded(OVERLOAD_RETRY_AFTER_SECONDS));
    }
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
