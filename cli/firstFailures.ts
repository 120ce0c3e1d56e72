/**
 * Each distinct failure of a command-line run, said once on stderr when it first happens, with its likely fix: a
 * replay against a wrong port or with a wrong secret says why in its first second, not only in the letters at the
 * end. Distinct means another reason, status or cause; bad input is said once per file and reason.
 */
import type { Writable } from 'node:stream';
import type { ProgressOutput } from './backfill/progress.js';
import { networkFix, statusFix } from './likelyFix.js';
import type { AttemptEvent } from '../shared/types/outcome.js';
import type { FailureNote } from '../shared/types/summary.js';
import type { MessageSource } from '../shared/types/records.js';

export interface FirstFailuresOptions {
  /** SIEM_RETRY_SECONDS: how long a batch the SIEM cannot take is retried. */
  readonly retrySeconds: number;
  /** What becomes of what the SIEM still cannot take then, e.g. "then dead-lettered". */
  readonly afterRetries: string;
}

/** Failures decided by a SIEM answer, said by the attempt that met it before they reach a summary. */
type SiemReason = 'siem-unavailable' | 'siem-unauthorized' | 'siem-rejected';

/** Why records were set aside: a note of replay's summary, or the latest failure of a letter redrive kept. */
export type Failure = Pick<FailureNote, 'reason' | 'detail' | 'status' | 'source'>;

export class FirstFailures {
  readonly #out: ProgressOutput;
  readonly #options: FirstFailuresOptions;
  readonly #said = new Set<string>();

  constructor(out: ProgressOutput | Writable, options: FirstFailuresOptions) {
    this.#out = out as ProgressOutput;
    this.#options = options;
  }

  /** A SIEM request that delivered nothing: unreachable, busy, the credential refused, or the batch refused. */
  attempt(event: AttemptEvent): void {
    const { outcome, status } = event;
    if (outcome === 'retry') {
      const cause = event.reason ?? 'unknown';
      const fix = status === undefined ? networkFix(cause) : statusFix(status);
      const retries = `Each batch is retried for up to ${this.#options.retrySeconds} s (SIEM_RETRY_SECONDS), ${this.#options.afterRetries}.`;
      this.#say(siemKey('siem-unavailable', cause), `The SIEM could not take a batch (${cause}): ${fix}. ${retries}`);
      this.#said.add(siemKey('siem-unavailable'));
    } else if (outcome === 'unauthorized') {
      this.#say(
        siemKey('siem-unauthorized', status),
        `The SIEM refused the credential (HTTP ${status}): ${statusFix(status)}.`,
      );
    } else if (outcome === 'reject') {
      const answer =
        event.reason === undefined || event.reason === `HTTP ${status}`
          ? `HTTP ${status}`
          : `HTTP ${status}, ${event.reason}`;
      this.#say(siemKey('siem-rejected', status), `The SIEM refused a batch (${answer}): ${statusFix(status)}.`);
    }
  }

  /** Why records were set aside, unless an attempt already said it. */
  failures(notes: readonly Failure[]): void {
    for (const note of notes) this.#note(note);
  }

  #note(note: Failure): void {
    switch (note.reason) {
      case 'siem-unavailable':
        if (!this.#said.has(siemKey('siem-unavailable')))
          this.#say(siemKey('siem-unavailable'), `Not delivered: ${note.detail}.`);
        return;
      case 'siem-unauthorized':
      case 'siem-rejected':
        this.#say(siemKey(note.reason, note.status), `Not delivered: ${note.detail}: ${statusFix(note.status)}.`);
        return;
      case 'secret-unavailable':
        this.#say(
          `${note.reason} ${note.detail}`,
          `The SIEM secret could not be read (${note.detail}): check KEY_VAULT_URL and SIEM_SECRET_NAME (or SIEM_SECRET), and that your identity may read secrets there.`,
        );
        return;
      case 'tenant-not-allowed':
        this.#say(
          `${note.reason} ${note.detail}`,
          `Not delivered: ${note.detail}; add the tenant there if its records belong in this SIEM.`,
        );
        return;
      case 'missing-tenant':
        this.#say(
          note.reason,
          `Not delivered: ${note.detail}; take {tenantId} out of the destination, or send records that carry one.`,
        );
        return;
      default: {
        // Bad input: said once per file and reason, where a person finds it. An invalid body's detail has the line.
        const where = describeSource(note.source, note.reason !== 'invalid-json');
        this.#say(`${note.reason} ${where}`, `${where}: ${note.detail} (${note.reason}).`);
      }
    }
  }

  #say(key: string, line: string): void {
    if (this.#said.has(key)) return;
    this.#said.add(key);
    // On a terminal the progress bar owns the last line: clear it; it is drawn again below.
    this.#out.write(`${this.#out.isTTY ? '\r\x1b[K' : ''}${line}\n`);
  }
}

function siemKey(reason: SiemReason, cause?: string | number): string {
  return cause === undefined ? reason : `${reason} ${cause}`;
}

/** The file or blob, and where in it the message is: its line, or its sequence number in a Capture file. */
function describeSource(source: MessageSource | undefined, withLine: boolean): string {
  const name = source?.file ?? source?.blob ?? 'a message';
  if (source?.sequenceNumber !== undefined) return `${name}, sequence number ${source.sequenceNumber}`;
  return withLine && source?.line !== undefined ? `${name}, message at line ${source.line}` : name;
}
