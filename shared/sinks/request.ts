/** The parts of a request every protocol shares. */
import { createHash } from 'node:crypto';
import { authHeaders } from '../auth/authHeaders.js';
import type { SiemConfig } from '../config/siemConfig.js';
import type { SecretValue } from '../types/secretValue.js';
import { positionsText } from '../pipeline/positions.js';
import type { ForwardRecord } from '../types/records.js';
import type { Router } from '../route/router.js';
import type { Route } from '../types/route.js';
import type { Outcome, SiemResponse } from '../types/outcome.js';
import type { Format } from '../types/format.js';
import type { Confirmation, SiemRequest, Sink } from '../types/sink.js';

/** What every protocol's request carries: its content type, the idempotency key and the credential. */
export async function siemRequest(
  siem: SiemConfig,
  parts: {
    readonly url: string;
    readonly contentType: string;
    readonly body: Buffer;
    /** Where the body's records sit (positionsText). */
    readonly positions: string;
    readonly headers?: Record<string, string>;
  },
  secret: SecretValue | undefined,
): Promise<SiemRequest> {
  return {
    url: parts.url,
    headers: {
      'content-type': parts.contentType,
      'idempotency-key': await idempotencyKey(parts.body, parts.positions),
      ...parts.headers,
      ...authHeaders(siem.auth, secret),
    },
    body: parts.body,
    ...(siem.auth.mode === 'mtls' && secret ? { clientCertificate: secret } : {}),
  };
}

/** The route all of `records` share. */
export function routeOf(router: Router, records: readonly ForwardRecord[]): Route {
  const first = records[0];
  if (!first) throw new Error('a request needs at least one record');
  return router.route(first);
}

/**
 * 128 bits of SHA-256 over the body as built (before compression) and where its records sit: a request sent again
 * carries the same key, so a SIEM (or a collector in front of it) that honours the header drops the copy, while
 * two batches of identical records (from other places) never share one. Web Crypto digests the body in libuv's
 * thread pool, so a megabyte body does not hold up the event loop.
 */
export async function idempotencyKey(body: Buffer, positions: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', body);
  return createHash('sha256').update(Buffer.from(digest)).update(positions).digest('hex').slice(0, 32);
}

export interface SinkParts {
  readonly format: Format;
  readonly classify: (response: SiemResponse, records: readonly ForwardRecord[]) => Outcome;
  /** The request URL for a route; the route's URL itself unless the protocol builds on it. */
  readonly url?: (route: Route) => string;
  /** Protocol headers besides content type, idempotency key and credential. */
  readonly headers?: Record<string, string>;
  readonly confirm?: Confirmation;
}

/** A sink from what makes a protocol different: its format, its reading of answers, and where it POSTs. */
export function protocolSink(siem: SiemConfig, router: Router, parts: SinkParts): Sink {
  const url = parts.url ?? ((route: Route) => route.url);
  return {
    format: parts.format,
    route: (record) => router.route(record),
    async buildRequest(_category, records, secret) {
      const body = parts.format.encode(records);
      const target = url(routeOf(router, records));
      const request = { url: target, contentType: parts.format.contentType, body, positions: positionsText(records) };
      return siemRequest(siem, { ...request, ...(parts.headers ? { headers: parts.headers } : {}) }, secret);
    },
    classify: parts.classify,
    ...(parts.confirm ? { confirm: parts.confirm } : {}),
  };
}
