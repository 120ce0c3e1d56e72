/**
 * A sink turns a batch into an HTTP request for one SIEM protocol and reads that protocol's answer. Each protocol
 * is a folder under shared/sinks; the registry there picks one from SIEM_FORMAT.
 */
import type { Format } from './format.js';
import type { Outcome, SiemResponse } from './outcome.js';
import type { ForwardRecord } from './records.js';
import type { Route } from './route.js';
import type { SecretValue } from './secretValue.js';

export interface SiemRequest {
  /** POST unless a probe (defender-forwarder check) asks: a GET carries no body. */
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Uncompressed; the client compresses it when SIEM_GZIP is on. */
  readonly body: Buffer;
  /** SIEM_AUTH=mtls: the PEM certificate and key presented in the TLS handshake. */
  readonly clientCertificate?: SecretValue;
}

export type Post = (request: SiemRequest, signal?: AbortSignal) => Promise<SiemResponse>;

export interface Sink {
  readonly format: Format;
  /** Where a record goes. Records whose route keys differ never share a request. */
  route(record: ForwardRecord): Route;
  /** `records` share one route. */
  buildRequest(
    category: string,
    records: readonly ForwardRecord[],
    secret: SecretValue | undefined,
  ): Promise<SiemRequest>;
  classify(response: SiemResponse, records: readonly ForwardRecord[]): Outcome;
  /** For a protocol that confirms delivery only after it answered (Splunk indexer acknowledgement). */
  readonly confirm?: Confirmation;
}

export interface Confirmation {
  /** Wraps the transport so a request resolves once the SIEM confirms, and fails (to be retried) when it never does. */
  readonly wrapPost: (post: Post) => Post;
  /** How long after its answer a request may still wait for the confirmation. */
  readonly withinMs: number;
}
