/**
 * One dead letter sent again. The letter is itself a message body, so it goes back through unpack (keeping the
 * ids its records first had) and delivery. A letter whose every record is delivered is deleted; otherwise what is
 * left stays, rewritten with only the records still undelivered and its attempt count raised.
 */
import { batchRecords, maxRecordBytes } from '../batch/batch.js';
import { encodeDeadLetter, readDeadLetterMeta, type DeadLetterMeta, type FailureAnswer } from '../deadletter/entry.js';
import type { HeldLetter } from '../deadletter/store.js';
import { deliverBatches } from '../deliver/deliverBatches.js';
import type { AttemptEvent, FailedRecords } from '../types/outcome.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { expandRuns, positionOf, positionRuns } from '../pipeline/positions.js';
import { idOf, recordId } from '../pipeline/recordId.js';
import { unpackMessage, type Unpacked } from '../unpack/unpack.js';

export type LetterOutcome =
  /** Every record delivered; the letter is gone. */
  | { readonly kind: 'delivered'; readonly records: number }
  /** Some records are still undelivered; the letter holds just those now, and why (its lastFailure). */
  | {
      readonly kind: 'kept';
      readonly delivered: number;
      readonly remaining: number;
      readonly siemUnavailable: boolean;
      readonly failure?: FailureAnswer;
    }
  /** Nothing in it can be sent (a body that was not JSON, or not a dead letter at all); left as it is. */
  | { readonly kind: 'unredrivable'; readonly why: string };

export async function redriveLetter(
  pipeline: Pipeline,
  held: HeldLetter,
  deadline: number,
  onAttempt?: (event: AttemptEvent) => void,
): Promise<LetterOutcome> {
  const meta = readDeadLetterMeta(held.content);
  if (!meta) return { kind: 'unredrivable', why: 'not a dead letter' };
  if (meta.rawBody !== undefined || meta.rawBodyBase64 !== undefined) {
    return {
      kind: 'unredrivable',
      why: 'the body was kept as received (not valid JSON, not UTF-8, or unreadable); only a person can repair it',
    };
  }

  const unpacked: Unpacked = { records: [], rejected: [] };
  const letter = { letter: held.name };
  unpackMessage(
    { body: held.content, source: letter },
    { maxRecordBytes: maxRecordBytes(pipeline.sink.format, pipeline.limits) },
    unpacked,
  );
  // Each record keeps the position it first had (so a batch keeps its Idempotency-Key); a letter that does not
  // say them gives its records their place in the letter.
  const count = unpacked.records.length + unpacked.rejected.length;
  const from =
    expandRuns(meta.positions, count) ?? Array.from({ length: count }, (_, index) => ({ source: letter, index }));
  const records = unpacked.records.map((record) => ({ ...record, from: from[record.index]! }));
  // A letter of records ALLOWED_TENANT_IDS refused goes back through the same check: such records are never sent,
  // and stay in the letter until their tenant is admitted.
  const admitted = pipeline.tenants(records);
  const refused = admitted.refused.flatMap((group) => group.records);
  if (refused.length > 0 && admitted.records.length === 0 && unpacked.rejected.length === 0) {
    return { kind: 'kept', delivered: 0, remaining: refused.length, siemUnavailable: false };
  }
  const batches = batchRecords(
    admitted.records,
    pipeline.sink.format,
    pipeline.limits,
    (record) => pipeline.sink.route(record).key,
  );
  const result = await deliverBatches(
    batches,
    {
      sink: pipeline.sink,
      post: pipeline.post,
      secrets: pipeline.secrets,
      backoff: pipeline.backoff,
      deadline,
      ...(onAttempt ? { onAttempt } : {}),
    },
    pipeline.concurrency,
  );

  const remaining = [...result.failed.flatMap((failure) => failure.records), ...refused]
    .map((record) => ({ index: record.index, text: record.text, id: idOf(record), from: positionOf(record) }))
    .concat(
      unpacked.rejected.map((reject) => ({
        index: reject.index ?? 0,
        text: reject.raw,
        id: recordId(reject.raw),
        from: from[reject.index ?? 0]!,
      })),
    )
    .sort((a, b) => a.index - b.index);
  if (remaining.length === 0) {
    await held.delete();
    return { kind: 'delivered', records: result.delivered.length };
  }

  const failure = result.failed[0]
    ? failureAnswer(result.failed[0])
    : notSent(unpacked.rejected[0]?.detail, admitted.refused[0]?.detail);
  const updated: DeadLetterMeta = {
    ...meta,
    attempts: meta.attempts + Math.max(1, ...result.failed.map((failure) => failure.attempts)),
    recordIds: remaining.map((record) => record.id),
    positions: positionRuns(remaining.map((record) => record.from)),
    redrives: (meta.redrives ?? 0) + 1,
    lastRedriveAt: new Date().toISOString(),
    lastFailure: failure,
  };
  await held.replace(encodeDeadLetter({ meta: updated, records: remaining.map((record) => record.text) }));
  return {
    kind: 'kept',
    delivered: result.delivered.length,
    remaining: remaining.length,
    siemUnavailable: result.failed.some((failure) => failure.retryable),
    failure,
  };
}

function failureAnswer(failure: FailedRecords): FailureAnswer {
  return {
    reason: failure.reason,
    detail: failure.detail,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.responseExcerpt === undefined ? {} : { responseExcerpt: failure.responseExcerpt }),
  };
}

/** Why records were left in the letter without being tried: unpack rejected them, or their tenant is not allowed. */
function notSent(rejectDetail: string | undefined, refusedDetail: string | undefined): FailureAnswer {
  if (refusedDetail !== undefined && rejectDetail === undefined)
    return { reason: 'tenant-not-allowed', detail: refusedDetail };
  return { reason: 'not-forwardable', detail: rejectDetail ?? 'the record cannot be forwarded' };
}
