/**
 * A sink turns a batch into an HTTP request for one SIEM protocol and reads that protocol's answer.
 */
import { hash } from 'node:crypto';
import type { SiemConfig } from '../config/config.js';
import type { SecretValue } from '../config/secretValue.js';
import { classifyResponse, type Outcome, type SiemResponse } from '../deliver/outcome.js';
import type { ForwardRecord } from '../pipeline/types.js';
import type { Format } from './format.js';
import { jsonArrayFormat } from './jsonArray.js';
import { ndjsonFormat } from './ndjson.js';

export interface SiemRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface Sink {
  readonly format: Format;
  buildRequest(category: string, records: readonly ForwardRecord[], secret: SecretValue | undefined): SiemRequest;
  classify(response: SiemResponse, records: readonly ForwardRecord[]): Outcome;
}

export function createSink(siem: SiemConfig): Sink {
  const format = siem.format === 'json' ? jsonArrayFormat : ndjsonFormat;
  const url = siem.url.href;
  return {
    format,
    buildRequest(_category, records, secret) {
      return {
        url,
        headers: {
          'content-type': format.contentType,
          'idempotency-key': batchIdempotencyKey(records),
          ...authHeaders(siem.auth, secret),
        },
        body: format.encode(records),
      };
    },
    classify: (response) => classifyResponse(response),
  };
}

export function authHeaders(auth: SiemConfig['auth'], secret: SecretValue | undefined): Record<string, string> {
  if (auth.mode === 'none' || secret === undefined) return {};
  if (auth.mode === 'bearer') return { authorization: `Bearer ${secret.reveal()}` };
  return { [auth.header.toLowerCase()]: secret.reveal() };
}

/** The same records in the same order give the same key, so a SIEM that honours it drops a resent batch. */
export function batchIdempotencyKey(records: readonly ForwardRecord[]): string {
  // One digest of the joined ids is the same digest as feeding them one by one, for one call instead of hundreds.
  return hash('sha256', records.map((record) => record.id).join('')).slice(0, 32);
}
