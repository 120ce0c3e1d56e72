/**
 * Retrying: a part is sent again while its answer asks to wait (an outage, a busy SIEM, records a bulk API wants
 * again), after capped exponential backoff with full jitter, or as long as Retry-After asks when that is longer.
 * It gives up when the next wait would end past the deadline and starts no try after it: the last answer is then
 * the result, for the records to wait for a later invocation. A decorator over a send, as OpenTelemetry's retrying
 * transport is; time and chance come in through the policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ForwardRecord } from '../types/records.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { Late, RetryAnswer, Send, Sent } from './sent.js';

export interface RetryPolicy {
  readonly backoff: BackoffPolicy;
  /** Epoch ms on `now`'s clock: no try starts after it, and no wait is begun that would end after it. */
  readonly deadline: number;
  /** Aborted when the run is stopping: no more tries, and a wait under way ends. */
  readonly signal?: AbortSignal;
  readonly now: () => number;
  /** Rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  readonly random: () => number;
}

/** The real clock, timers and chance. */
export const REAL_TIME: Pick<RetryPolicy, 'now' | 'sleep' | 'random'> = {
  now: Date.now,
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
  random: Math.random,
};

export interface Retried {
  /** The final answer; or, when the deadline came first, the last one, or `late` when it came before a try. */
  readonly sent: Exclude<Sent, { readonly kind: 'refreshed' | 'late' }> | Late;
  /** The records that answer is about: fewer than were sent when an answer item by item settled some. */
  readonly records: readonly ForwardRecord[];
  readonly attempts: number;
}

export function retrying(send: Send, policy: RetryPolicy): (records: readonly ForwardRecord[]) => Promise<Retried> {
  return async (initial) => {
    let records = initial;
    let attempts = 0;
    /** Why the records were held back, for when the deadline comes before the next try. */
    let lastRetry: RetryAnswer | undefined;
    const result = (sent: Retried['sent']): Retried => ({ sent, records, attempts });
    for (;;) {
      if (policy.signal?.aborted || policy.now() >= policy.deadline) {
        return result(lastRetry ? { kind: 'late', after: lastRetry } : { kind: 'late' });
      }
      const sent = await send(records, attempts + 1);
      // Late inside (a slow read of the secret): not a try; the check above ends the tries.
      if (sent.kind === 'late') continue;
      attempts++;
      switch (sent.kind) {
        case 'refreshed':
          continue;
        case 'retry':
          lastRetry = sent;
          if (!(await waited(sent.retryAfterMs, attempts, policy))) return result(sent);
          continue;
        case 'pending':
          records = sent.records;
          if (records.length === 0 || !(await waited(undefined, attempts, policy))) return result(sent);
          continue;
        default:
          return result(sent);
      }
    }
  };
}

/** Waits before the next try; false when the wait would end past the deadline or the run is stopping. */
async function waited(retryAfterMs: number | undefined, attempts: number, policy: RetryPolicy): Promise<boolean> {
  const wait = Math.max(retryAfterMs ?? 0, backoffDelay(attempts - 1, policy.backoff, policy.random));
  if (policy.signal?.aborted || policy.now() + wait >= policy.deadline) return false;
  try {
    await policy.sleep(wait, policy.signal);
    return true;
  } catch {
    return false;
  }
}
