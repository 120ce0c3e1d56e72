/**
 * What a try of a part came to, as the layers of delivery hand it outward: the request answers (request.ts), the
 * credential may ask for the part again at once (refreshingCredential.ts), an answer item by item becomes the
 * records still pending (partialAnswers.ts), and retrying waits and tries again while an answer asks it to
 * (retrying.ts). Values, not exceptions: each layer decides on `kind` and passes on what is not its business.
 */
import type { Outcome, SiemResponse } from '../types/outcome.js';
import type { ForwardRecord } from '../types/records.js';

/** The SIEM's answer, or the network's failure, with the response when there was one. */
export type Answer = Outcome & { readonly response?: SiemResponse };
export type RetryAnswer = Extract<Answer, { readonly kind: 'retry' }>;

/** Nothing was sent and the part goes no further: the secret cannot be read, or the records cannot be a request. */
export interface Unsent {
  readonly kind: 'unsent';
  readonly reason: 'secret-unavailable' | 'unencodable';
  readonly detail: string;
}

/** Nothing was sent: the deadline had passed, or the run is stopping. `after`: the last answer that asked to wait. */
export interface Late {
  readonly kind: 'late';
  readonly after?: RetryAnswer;
}

/** The SIEM refused the credential and it has been read again: send the part again at once. */
export interface Refreshed {
  readonly kind: 'refreshed';
}

/** The SIEM answered record by record and wants these again (none when every record has its answer). */
export interface Pending {
  readonly kind: 'pending';
  readonly records: readonly ForwardRecord[];
  readonly response?: SiemResponse;
}

/** What one try came to. */
export type Tried = Answer | Unsent | Late | Refreshed;

/** What retrying acts on: a try, its answer item by item turned into the records still pending. */
export type Sent = Exclude<Tried, { readonly kind: 'partial' }> | Pending;

/** Sends a part; `attempt` numbers the part's tries from 1. */
export type Send = (records: readonly ForwardRecord[], attempt: number) => Promise<Sent>;
