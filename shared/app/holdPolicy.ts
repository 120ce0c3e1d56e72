/**
 * How long a partition is held while the SIEM is down. The trigger retries a failed invocation forever (the
 * checkpoint never moves past undelivered data); the handler decides when the outage has lasted long enough and
 * dead-letters instead. It measures that per partition, in real time: from the first invocation the SIEM failed
 * to the current one. Once a partition's outage has outlasted the hold, every invocation on it dead-letters what
 * the SIEM cannot take (the hub's backlog drains into the dead-letter store instead of ageing out of the hub's
 * retention) until one gets through without the SIEM failing.
 */
import type { RetryOptions } from '@azure/functions';
import { SettledRecords } from '../pipeline/settled.js';

export const TRIGGER_RETRY_MIN_MS = 10_000;
export const TRIGGER_RETRY_MAX_MS = 5 * 60_000;

export const triggerRetry: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: -1,
  minimumInterval: { seconds: TRIGGER_RETRY_MIN_MS / 1000 },
  maximumInterval: { minutes: TRIGGER_RETRY_MAX_MS / 60_000 },
};

export interface HoldDecision {
  /** Dead-letter what the SIEM cannot take instead of leaving it pending. */
  readonly finalAttempt: boolean;
  /** How long this partition's outage has lasted so far, ms (0 when the SIEM has not failed it). */
  readonly heldMs: number;
  /** Records earlier tries of the held invocation settled. */
  readonly settled: SettledRecords;
}

interface PartitionState {
  failingSince?: number;
  settled: SettledRecords;
}

export class PartitionHolds {
  readonly #holdMs: number;
  readonly #now: () => number;
  /** Only partitions in trouble have an entry: one with a held invocation or a running outage. */
  readonly #partitions = new Map<string, PartitionState>();

  constructor(holdMs: number, now: () => number = Date.now) {
    this.#holdMs = holdMs;
    this.#now = now;
  }

  begin(partition: string): HoldDecision {
    const state = this.#partitions.get(partition);
    const heldMs = state?.failingSince === undefined ? 0 : this.#now() - state.failingSince;
    return {
      finalAttempt: this.#holdMs === 0 || heldMs >= this.#holdMs,
      heldMs,
      settled: state?.settled ?? new SettledRecords(),
    };
  }

  /**
   * After an invocation that started at `startedAt`. `outcome` is undefined when it failed for another reason
   * (the dead-letter store could not be written): it will be retried, and the outage clock neither starts nor stops.
   */
  end(
    partition: string,
    decision: HoldDecision,
    outcome: { readonly pending: number; readonly siemUnavailable: boolean } | undefined,
    startedAt: number,
  ): void {
    const before = this.#partitions.get(partition)?.failingSince;
    const failingSince = outcome === undefined ? before : outcome.siemUnavailable ? (before ?? startedAt) : undefined;
    // Settled records matter only while the same events will come again: while the invocation keeps failing.
    const retried = outcome === undefined || outcome.pending > 0;
    if (failingSince === undefined && !retried) this.#partitions.delete(partition);
    else
      this.#partitions.set(partition, {
        settled: retried ? decision.settled : new SettledRecords(),
        ...(failingSince === undefined ? {} : { failingSince }),
      });
  }
}
