/**
 * Send: one batch to the SIEM until every record in it is delivered or has a final answer. Retries wait with
 * backoff (or as Retry-After asks) but never past the deadline; a refused credential is read again once; a
 * batch refused as too large or bad is halved until the refusing records stand alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SecretValue } from '../types/secretValue.js';
import type { ForwardRecord } from '../types/records.js';
import type { SecretProvider } from '../secrets/secretProvider.js';
import type { Sink, SiemRequest } from '../types/sink.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { classifyNetworkError } from './outcome.js';
import type { AttemptEvent, BatchResult, FailedRecords, FailureReason, ItemOutcome, Outcome, SiemResponse } from '../types/outcome.js';

export interface DeliveryContext {
  readonly sink: Sink;
  readonly post: (request: SiemRequest, signal?: AbortSignal) => Promise<SiemResponse>;
  readonly secrets: SecretProvider;
  readonly backoff: BackoffPolicy;
  /** Epoch ms after which no request is started and no retry waited for; one in flight runs to its own timeout. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (event: AttemptEvent) => void;
  readonly now?: () => number;
}

const EXCERPT_CHARS = 1024;

export async function sendBatch(category: string, records: readonly ForwardRecord[], context: DeliveryContext): Promise<BatchResult> {
  const result: BatchResult = { delivered: [], failed: [] };
  await sendPart(category, records, context, result);
  return { delivered: result.delivered, failed: mergeAlike(result.failed) };
}

/**
 * Halving a refused batch leaves one failure per refusing part. Parts refused with the same answer are one
 * failure again, and so are parts the SIEM could not take yet (an outage is not about any one record), so a
 * batch ends in one dead letter per distinct answer, not one per record.
 */
function mergeAlike(failures: readonly FailedRecords[]): FailedRecords[] {
  const merged = new Map<string, FailedRecords>();
  for (const failure of failures) {
    const key = failure.retryable ? failure.reason : JSON.stringify([failure.reason, failure.status, failure.responseExcerpt]);
    const earlier = merged.get(key);
    if (!earlier) {
      merged.set(key, failure);
      continue;
    }
    // Keep the SIEM's answer when only one side has one (a part cut off by the deadline before it was sent has none).
    const answer = earlier.status === undefined ? failure : earlier;
    merged.set(key, { ...answer, records: [...earlier.records, ...failure.records], attempts: Math.max(earlier.attempts, failure.attempts) });
  }
  return [...merged.values()];
}

async function sendPart(
  category: string,
  initial: readonly ForwardRecord[],
  context: DeliveryContext,
  result: BatchResult,
): Promise<void> {
  const now = context.now ?? Date.now;
  let records = initial;
  let attempts = 0;
  let secretRefreshed = false;
  /** Why the last try did not go through, for the failure when the deadline comes before the next one. */
  let lastProblem: string | undefined;
  const fail = (reason: FailureReason, detail: string, retryable: boolean, response?: SiemResponse, failed = records) => {
    if (failed.length === 0) return;
    result.failed.push({
      category,
      records: failed,
      reason,
      detail,
      attempts,
      retryable,
      ...(response ? { status: response.status, responseExcerpt: response.body.slice(0, EXCERPT_CHARS) } : {}),
    });
  };

  for (;;) {
    if (context.signal?.aborted || now() >= context.deadline) {
      fail('siem-unavailable', lastProblem ? `the SIEM was unavailable until the deadline: ${lastProblem}` : 'the deadline passed before the records could be sent', true);
      return;
    }
    let secret: SecretValue | undefined;
    try {
      secret = await context.secrets.get();
    } catch (error) {
      attempts++;
      fail('secret-unavailable', (error as Error).message, true);
      return;
    }
    // A slow read of the secret must not start a request past the deadline: the check above ends the loop.
    if (now() >= context.deadline) continue;
    attempts++;
    let request: SiemRequest;
    try {
      request = await context.sink.buildRequest(category, records, secret);
    } catch (error) {
      // The records cannot be written as this protocol's request: no later try would do better.
      fail('unencodable', `the request could not be built: ${String(error)}`, false);
      return;
    }
    const { outcome, response } = await attempt(category, records, request, context);

    switch (outcome.kind) {
      case 'delivered':
        for (const record of records) result.delivered.push(record);
        return;
      case 'unauthorized':
        if (secretRefreshed) {
          fail('siem-unauthorized', `the SIEM refused the credential (HTTP ${outcome.status}) after it was read again`, true, response);
          return;
        }
        secretRefreshed = true;
        try {
          await context.secrets.refresh(secret);
        } catch (error) {
          fail('secret-unavailable', (error as Error).message, true);
          return;
        }
        continue;
      case 'reject':
        if (outcome.split && records.length > 1) {
          const middle = Math.ceil(records.length / 2);
          await sendPart(category, records.slice(0, middle), context, result);
          await sendPart(category, records.slice(middle), context, result);
          return;
        }
        fail('siem-rejected', `the SIEM refused the records: ${outcome.reason}`, false, response);
        return;
      case 'partial': {
        const retry = splitItems(records, outcome.items, result, (items, reason, status) =>
          fail('siem-rejected', `the SIEM refused the records: ${reason}`, false, response && { ...response, status }, items),
        );
        if (retry.length === 0) return;
        records = retry;
        if (!(await waitToRetry(undefined, attempts, context, now))) {
          fail('siem-unavailable', 'records the SIEM asked to resend were still pending at the deadline', true, response);
          return;
        }
        continue;
      }
      case 'retry':
        lastProblem = outcome.hint === undefined ? outcome.reason : `${outcome.reason}: ${outcome.hint}`;
        if (!(await waitToRetry(outcome.retryAfterMs, attempts, context, now))) {
          fail('siem-unavailable', `the SIEM was unavailable until the deadline: ${lastProblem}`, true, response);
          return;
        }
        continue;
    }
  }
}

async function attempt(
  category: string,
  records: readonly ForwardRecord[],
  request: SiemRequest,
  context: DeliveryContext,
): Promise<{ outcome: Outcome; response?: SiemResponse }> {
  const started = performance.now();
  let outcome: Outcome;
  let response: SiemResponse | undefined;
  try {
    // Bounded by the request timeout, not cut at the deadline: a request the SIEM took must be known as taken,
    // or the records would be sent again.
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
  return response ? { outcome, response } : { outcome };
}

/** Sorts a per-record answer: delivered ones to the result, refused ones to `reject`; returns those to resend. */
function splitItems(
  records: readonly ForwardRecord[],
  items: readonly ItemOutcome[],
  result: BatchResult,
  reject: (records: ForwardRecord[], reason: string, status: number) => void,
): ForwardRecord[] {
  const retry: ForwardRecord[] = [];
  records.forEach((record, i) => {
    const item = items[i] ?? { kind: 'retry', reason: 'no answer for this record' };
    if (item.kind === 'delivered') result.delivered.push(record);
    else if (item.kind === 'retry') retry.push(record);
    else reject([record], item.reason, item.status);
  });
  return retry;
}

/**
 * Waits before the next try: the backoff, or as long as the SIEM's Retry-After asks when that is longer. False
 * when the wait would pass the deadline or the run is being stopped.
 */
async function waitToRetry(
  retryAfterMs: number | undefined,
  attempts: number,
  context: DeliveryContext,
  now: () => number,
): Promise<boolean> {
  const wait = Math.max(retryAfterMs ?? 0, backoffDelay(attempts - 1, context.backoff));
  if (context.signal?.aborted || now() + wait >= context.deadline) return false;
  try {
    await sleep(wait, undefined, context.signal ? { signal: context.signal } : {});
    return true;
  } catch {
    return false;
  }
}
