/**
 * What became of a request and of its records: the SIEM's answer as a value (Outcome, classified once by the
 * sink of its protocol), and what delivery made of a batch.
 */
import type { ForwardRecord } from './records.js';

export interface SiemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export type Outcome =
  | { readonly kind: 'delivered' }
  /**
   * Worth trying again later: the network, a timeout, 408, 429, 5xx; and a redirect or 404, which say the
   * destination is wrong or moved (not the records), so the records wait like in an outage. `reason` is short
   * (a metric's dimension); `hint` says what to fix when there is something to fix.
   */
  | {
      readonly kind: 'retry';
      readonly reason: string;
      readonly status?: number;
      readonly retryAfterMs?: number;
      readonly hint?: string;
    }
  /** The credential was refused: read the secret again, then retry once. */
  | { readonly kind: 'unauthorized'; readonly status: number }
  /**
   * The SIEM refused the batch. With `split`, smaller batches may go through (413, or a 400 caused by some
   * records only), so the batch is halved until the refusing records stand alone.
   */
  | { readonly kind: 'reject'; readonly reason: string; readonly status: number; readonly split: boolean }
  /** The SIEM answered record by record (bulk APIs): one entry per record, in the batch's order. */
  | { readonly kind: 'partial'; readonly items: readonly ItemOutcome[] };

export type ItemOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly status?: number }
  | { readonly kind: 'reject'; readonly reason: string; readonly status: number };

export type FailureReason =
  | 'siem-rejected'
  | 'siem-unavailable'
  | 'siem-unauthorized'
  | 'secret-unavailable'
  | 'missing-tenant'
  | 'unroutable'
  | 'unencodable';

export interface FailedRecords {
  readonly category: string;
  readonly records: readonly ForwardRecord[];
  readonly reason: FailureReason;
  readonly detail: string;
  readonly status?: number;
  readonly responseExcerpt?: string;
  readonly attempts: number;
  /** A later try may succeed (the SIEM was unreachable, busy or refused the credential). */
  readonly retryable: boolean;
}

export interface BatchResult {
  readonly delivered: ForwardRecord[];
  readonly failed: FailedRecords[];
}

export interface AttemptEvent {
  readonly category: string;
  readonly records: number;
  readonly bytes: number;
  readonly status?: number;
  readonly outcome: Outcome['kind'];
  readonly reason?: string;
  readonly durationMs: number;
}
