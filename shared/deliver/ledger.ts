/**
 * A batch's ledger: each record's fate, written as soon as it is known (an answer item by item settles records
 * while others are still being tried), and at the end the batch's result.
 */
import type { BatchResult, FailedRecords, FailureReason, SiemResponse } from '../types/outcome.js';
import type { ForwardRecord } from '../types/records.js';

const EXCERPT_CHARS = 1024;

export interface Failure {
  readonly reason: FailureReason;
  readonly detail: string;
  readonly attempts: number;
  readonly retryable: boolean;
  /** The SIEM's answer, when there was one: its status and the start of its body go with the records. */
  readonly response?: SiemResponse;
}

/** The SIEM refused the records themselves: final, no later try would do better. */
export function refusal(why: string, attempts: number, response: SiemResponse | undefined): Failure {
  return {
    reason: 'siem-rejected',
    detail: `the SIEM refused the records: ${why}`,
    attempts,
    retryable: false,
    response,
  };
}

export class BatchLedger {
  readonly #category: string;
  readonly #delivered: ForwardRecord[] = [];
  readonly #failed: FailedRecords[] = [];

  constructor(category: string) {
    this.#category = category;
  }

  delivered(records: readonly ForwardRecord[]): void {
    for (const record of records) this.#delivered.push(record);
  }

  /** A failure of no records is none. */
  failed(records: readonly ForwardRecord[], { reason, detail, attempts, retryable, response }: Failure): void {
    if (records.length === 0) return;
    this.#failed.push({
      category: this.#category,
      records,
      reason,
      detail,
      attempts,
      retryable,
      ...(response ? { status: response.status, responseExcerpt: response.body.slice(0, EXCERPT_CHARS) } : {}),
    });
  }

  result(): BatchResult {
    return { delivered: this.#delivered, failed: mergeAlike(this.#failed) };
  }
}

/**
 * Halving a refused batch leaves one failure per refusing part, and an answer item by item one per refused record.
 * Those refused with the same answer are one failure again, and so are parts the SIEM could not take yet (an
 * outage is not about any one record), so a batch ends in one dead letter per distinct answer, not one per record.
 */
function mergeAlike(failures: readonly FailedRecords[]): FailedRecords[] {
  const merged = new Map<string, FailedRecords>();
  for (const failure of failures) {
    const key = failure.retryable
      ? failure.reason
      : JSON.stringify([failure.reason, failure.status, failure.responseExcerpt]);
    const earlier = merged.get(key);
    if (!earlier) {
      merged.set(key, failure);
      continue;
    }
    // Keep the SIEM's answer when only one side has one (a part cut off by the deadline before it was sent has none).
    const answer = earlier.status === undefined ? failure : earlier;
    merged.set(key, {
      ...answer,
      records: [...earlier.records, ...failure.records],
      attempts: Math.max(earlier.attempts, failure.attempts),
    });
  }
  return [...merged.values()];
}
