/**
 * Indexer acknowledgement: with it, HEC answers a request with an `ackId` once the events are received, and
 * `/services/collector/ack` says when they are indexed. A request counts as delivered only then; one not
 * confirmed in time fails and is sent again (HEC may then hold it twice; `record_id` tells the copies apart).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SiemResponse } from '../../types/outcome.js';
import type { Post, SiemRequest } from '../../types/sink.js';
import { readHecAnswer } from './classify.js';

export const CHANNEL_HEADER = 'x-splunk-request-channel';
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;

export class AcknowledgementTimeoutError extends Error {
  readonly code = 'HEC_ACK_TIMEOUT';

  constructor(ackId: number, timeoutMs: number) {
    super(`HEC did not confirm ackId ${ackId} as indexed within ${timeoutMs / 1000} s`);
    this.name = 'AcknowledgementTimeoutError';
  }
}

/** One channel per process: HEC keeps acknowledgements per channel. */
export function newChannel(): string {
  return randomUUID();
}

export function withIndexerAcknowledgement(post: Post, timeoutMs: number, now: () => number = Date.now): Post {
  return async (request, signal) => {
    const response = await post(request, signal);
    const ackId = response.status === 200 ? readHecAnswer(response.body).ackId : undefined;
    // A token without indexer acknowledgement answers without an ackId: receipt is all HEC can confirm.
    if (typeof ackId !== 'number') return response;
    const giveUpAt = now() + timeoutMs;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      // A poll ends at the give-up time too, so the wait for acknowledgement never outlasts its setting.
      const pollTimeout = AbortSignal.timeout(Math.max(1, giveUpAt - now()));
      try {
        if (await isIndexed(post, request, ackId, signal ? AbortSignal.any([signal, pollTimeout]) : pollTimeout))
          return response;
      } catch (error) {
        if (pollTimeout.aborted && !signal?.aborted) throw new AcknowledgementTimeoutError(ackId, timeoutMs);
        throw error;
      }
      if (now() + wait >= giveUpAt) throw new AcknowledgementTimeoutError(ackId, timeoutMs);
      await sleep(wait, undefined, { signal });
    }
  };
}

async function isIndexed(
  post: Post,
  request: SiemRequest,
  ackId: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  // The poll keeps the batch's credential and channel, not its Idempotency-Key: a proxy that answers repeated keys
  // from its cache would hand every poll the batch's own answer, and the batch would never count as indexed.
  const { 'idempotency-key': _batchKey, ...headers } = request.headers;
  const response: SiemResponse = await post(
    {
      url: ackUrl(request),
      headers: { ...headers, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ acks: [ackId] })),
      ...(request.clientCertificate ? { clientCertificate: request.clientCertificate } : {}),
    },
    signal,
  );
  if (response.status !== 200) return false;
  const acks = (readHecAnswer(response.body) as { acks?: Record<string, unknown> }).acks;
  return acks?.[String(ackId)] === true;
}

/** `.../services/collector/event` -> `.../services/collector/ack?channel=<channel>`, behind any path prefix. */
function ackUrl(request: SiemRequest): string {
  const url = new URL(request.url);
  url.pathname = `${url.pathname.replace(/\/(?:event|raw)(?:\/1\.0)?\/?$/, '')}/ack`;
  url.search = `channel=${encodeURIComponent(request.headers[CHANNEL_HEADER] ?? '')}`;
  return url.toString();
}
