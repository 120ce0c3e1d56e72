/**
 * How long a partition is held while the SIEM is down. The trigger retries a failed invocation forever (the
 * checkpoint never moves past undelivered data); the handler itself decides when the outage has lasted long
 * enough and dead-letters instead, from the retry count and this schedule.
 */
import type { RetryOptions } from '@azure/functions';

export const TRIGGER_RETRY_MIN_MS = 10_000;
export const TRIGGER_RETRY_MAX_MS = 5 * 60_000;

export const triggerRetry: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: -1,
  minimumInterval: { seconds: TRIGGER_RETRY_MIN_MS / 1000 },
  maximumInterval: { minutes: TRIGGER_RETRY_MAX_MS / 60_000 },
};

/**
 * The retry count at which the hold budget is spent: each retry costs the host's backoff wait (doubling from
 * the minimum, capped at the maximum) plus one invocation's worth of retrying the SIEM.
 */
export function holdRetryLimit(holdMs: number, invocationMs: number): number {
  let elapsed = 0;
  let retries = 0;
  while (elapsed < holdMs) {
    elapsed += Math.min(TRIGGER_RETRY_MAX_MS, TRIGGER_RETRY_MIN_MS * 2 ** retries) + invocationMs;
    retries++;
  }
  return retries;
}
