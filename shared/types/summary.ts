/** What one invocation did with its records, counted: the handler's log line, the metrics and the tests read it. */
import type { MessageSource } from './records.js';

export interface CategoryCounts {
  received: number;
  forwarded: number;
  deadLettered: number;
  pending: number;
  /** Left out by the category filter: counted here, never sent. */
  excluded: number;
  /** Of forwarded and deadLettered: settled by an earlier try of this invocation, not this one. */
  forwardedEarlier: number;
  deadLetteredEarlier: number;
  batches: number;
  bytes: number;
}

export interface ForwardSummary {
  readonly messages: number;
  /** Records unpacked plus inputs that could not be unpacked (a whole invalid body counts once). */
  readonly received: number;
  readonly forwarded: number;
  readonly deadLettered: number;
  /** Records the SIEM could not take yet and that were not dead-lettered: the invocation must be retried. */
  readonly pending: number;
  /** Records the category filter left out. received = forwarded + deadLettered + pending + excluded. */
  readonly excluded: number;
  /** Of forwarded and dead-lettered: records an earlier try of this invocation had settled, not sent again. */
  readonly settledEarlier: number;
  /** Some records failed for a reason that may pass: the SIEM unreachable or busy, or the credential refused. */
  readonly siemUnavailable: boolean;
  readonly categories: ReadonlyMap<string, CategoryCounts>;
  /** Records of tables not known to be streamed (schema drift), per category. */
  readonly unknownTables: ReadonlyMap<string, number>;
  readonly coverage: ReadonlyMap<string, CategoryCoverage>;
  /** The device directory failed: records went on without what it would have filled in. */
  readonly enrichProblems: readonly EnrichProblem[];
  readonly failures: readonly FailureNote[];
  readonly deadLetterNames: readonly string[];
}

/** One line's worth about something that did not go through; never record content. */
export interface FailureNote {
  readonly category?: string;
  readonly reason: string;
  readonly detail: string;
  readonly status?: number;
  readonly records: number;
  readonly disposition: 'dead-lettered' | 'pending';
  /** Bad input: the message it was in (its file and line, when it came from one). */
  readonly source?: MessageSource;
}

export interface CategoryCoverage {
  withDevice: number;
  alreadySet: number;
  fromStream: number;
  fromDirectory: number;
  defaulted: number;
  unknown: number;
}

/** The directory could not be read or written: records still flow, with the gap counted and reported. */
export interface EnrichProblem {
  readonly stage: 'lookup' | 'learn';
  /** Devices the failed call was about. */
  readonly devices: number;
  readonly detail: string;
}
