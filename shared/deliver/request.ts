/**
 * One try of a part: its request built with the secret, posted, and the answer classified by the sink. No request
 * starts after the deadline; one under way runs to its own timeout, not cut at the deadline, because a request the
 * SIEM took must be known as taken, or its records would be sent again.
 */
import type { ForwardRecord } from '../types/records.js';
import type { SecretValue } from '../types/secretValue.js';
import type { Post, SiemRequest, Sink } from '../types/sink.js';
import type { AttemptEvent, Outcome, SiemResponse } from '../types/outcome.js';
import { classifyNetworkError } from './outcome.js';
import type { Answer, Late, Unsent } from './sent.js';

export interface RequestContext {
  readonly sink: Sink;
  readonly post: Post;
  /** Epoch ms on `now`'s clock after which no request is started. */
  readonly deadline: number;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (event: AttemptEvent) => void;
}

export type SendWithSecret = (
  records: readonly ForwardRecord[],
  secret: SecretValue | undefined,
) => Promise<Answer | Unsent | Late>;

export function requestSender(category: string, context: RequestContext): SendWithSecret {
  return async (records, secret) => {
    // However long the secret took to read.
    if (context.now() >= context.deadline) return { kind: 'late' };
    let request: SiemRequest;
    try {
      request = await context.sink.buildRequest(category, records, secret);
    } catch (error) {
      // The records cannot be written as this protocol's request: no later try would do better.
      return { kind: 'unsent', reason: 'unencodable', detail: `the request could not be built: ${String(error)}` };
    }
    return post(category, records, request, context);
  };
}

async function post(
  category: string,
  records: readonly ForwardRecord[],
  request: SiemRequest,
  context: RequestContext,
): Promise<Answer> {
  const started = performance.now();
  let outcome: Outcome;
  let response: SiemResponse | undefined;
  try {
    response = await context.post(request, context.signal);
    outcome = context.sink.classify(response, records);
  } catch (error) {
    outcome = classifyNetworkError(error);
  }
  context.onAttempt?.({
    category,
    records: records.length,
    bytes: request.body.length,
    status: response?.status,
    outcome: outcome.kind,
    reason: 'reason' in outcome ? outcome.reason : undefined,
    durationMs: performance.now() - started,
  });
  return response ? { ...outcome, response } : outcome;
}
