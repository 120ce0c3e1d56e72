export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Capped exponential backoff with full jitter: a random wait up to initial * 2^attempt, never above max. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
