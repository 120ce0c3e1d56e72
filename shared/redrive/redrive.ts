/**
 * Redrive: send the dead letters again, oldest first, one claimed letter at a time. Each letter is held by this
 * run alone (a blob lease, a lock file), so several instances can redrive at once. The first letter is the probe:
 * as soon as the SIEM fails for a reason that may pass (unreachable, busy, the credential refused), the run stops
 * and the rest waits for the next one, untouched.
 */
import type { DeadLetterStore } from '../deadletter/store.js';
import type { AttemptEvent } from '../types/outcome.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { redriveLetter, type LetterOutcome } from './redriveLetter.js';

export interface RedriveOptions {
  /** Epoch ms: no letter is started after it. */
  readonly deadline: number;
  /** How long one letter may keep retrying the SIEM. */
  readonly letterBudgetMs: number;
  readonly signal?: AbortSignal;
  /** Called after each letter, for logs. */
  readonly onLetter?: (name: string, outcome: LetterOutcome) => void;
  /** Sees every SIEM request as it ends. */
  readonly onAttempt?: (event: AttemptEvent) => void;
}

export interface RedriveSummary {
  /** Letters looked at. */
  letters: number;
  /** Letters whose records were all delivered, and that are deleted. */
  emptied: number;
  /** Letters with records still undelivered; kept with those only. */
  kept: number;
  /** Letters nothing can be sent from (a body that was not JSON); kept as they are. */
  unredrivable: number;
  /** Letters another redrive held at the time. */
  busy: number;
  recordsDelivered: number;
  recordsRemaining: number;
  /** Why the run ended before the last letter, if it did. */
  stopped?: 'siem-unavailable' | 'deadline' | 'signal';
}

export async function redrive(
  pipeline: Pipeline,
  store: DeadLetterStore,
  options: RedriveOptions,
): Promise<RedriveSummary> {
  const summary: RedriveSummary = {
    letters: 0,
    emptied: 0,
    kept: 0,
    unredrivable: 0,
    busy: 0,
    recordsDelivered: 0,
    recordsRemaining: 0,
  };
  for await (const name of store.list()) {
    if (options.signal?.aborted) return { ...summary, stopped: 'signal' };
    if (Date.now() >= options.deadline) return { ...summary, stopped: 'deadline' };
    summary.letters++;
    const done: { outcome?: LetterOutcome } = {};
    const claimed = await store.claim(name, async (held) => {
      done.outcome = await redriveLetter(
        pipeline,
        held,
        Math.min(options.deadline, Date.now() + options.letterBudgetMs),
        options.onAttempt,
      );
    });
    const { outcome } = done;
    if (!claimed || !outcome) {
      summary.busy++;
      continue;
    }
    options.onLetter?.(name, outcome);
    count(summary, outcome);
    if (outcome.kind === 'kept' && outcome.siemUnavailable) return { ...summary, stopped: 'siem-unavailable' };
  }
  return summary;
}

function count(summary: RedriveSummary, outcome: LetterOutcome): void {
  switch (outcome.kind) {
    case 'delivered':
      summary.emptied++;
      summary.recordsDelivered += outcome.records;
      return;
    case 'kept':
      summary.kept++;
      summary.recordsDelivered += outcome.delivered;
      summary.recordsRemaining += outcome.remaining;
      return;
    case 'unredrivable':
      summary.unredrivable++;
  }
}
