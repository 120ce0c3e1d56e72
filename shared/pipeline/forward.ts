/**
 * One invocation, end to end: messages -> records -> enriched records -> batches -> requests -> outcome. The stages
 * overlap: a full batch is on its way while later messages are still being read.
 * Every record ends delivered, dead-lettered, or (when this is not the last attempt) pending, which tells the
 * caller to fail the invocation so the trigger retries and the checkpoint stays put.
 */
import { setImmediate } from 'node:timers/promises';
import { maxRecordBytes } from '../batch/batch.js';
import type { DeadLetter } from '../deadletter/entry.js';
import { groupRejected, letterForFailure, letterForRejected, rejectDetail } from '../deadletter/letters.js';
import type { DeadLetterStore } from '../deadletter/store.js';
import { enrichRecords, needsGroup, type Enriched } from '../enrich/enrich.js';
import type { CategoryCounts, FailureNote, ForwardSummary } from '../types/summary.js';
import { RepeatedValues } from '../unpack/scanRecord.js';
import { unpackMessage, type Unpacked } from '../unpack/unpack.js';
import { Dispatch } from './dispatch.js';
import type { InvocationOptions, Pipeline } from './pipeline.js';
import type { EventMessage, ForwardRecord } from '../types/records.js';

export class DeadLetterWriteError extends Error {
  constructor(cause: unknown) {
    super(`could not write to the dead-letter store: ${(cause as Error).message}`, { cause });
    this.name = 'DeadLetterWriteError';
  }
}

export async function forward(
  pipeline: Pipeline,
  messages: readonly EventMessage[],
  options: InvocationOptions,
): Promise<ForwardSummary> {
  const dispatch = new Dispatch(pipeline, options);
  let read: Read;
  try {
    read = await readAndDispatch(pipeline, messages, options, dispatch);
  } catch (error) {
    // Requests already on their way finish before the invocation fails, so none outlives it.
    await dispatch.abandon();
    throw error;
  }
  const { unpacked, refusedRecords, enriched } = read;
  const result = await dispatch.finish();
  const { batches, earlier } = dispatch;

  const categories = new Map<string, CategoryCounts>();
  const counts = (category: string) => {
    let entry = categories.get(category);
    if (!entry) {
      entry = emptyCounts();
      categories.set(category, entry);
    }
    return entry;
  };
  for (const record of unpacked.records) counts(record.category).received++;
  for (const [category, excluded] of dispatch.excluded) counts(category).excluded += excluded;
  for (const batch of batches) {
    counts(batch.category).batches++;
    counts(batch.category).bytes += batch.bytes;
  }
  for (const record of result.delivered) counts(record.category).forwarded++;
  for (const [record, settlement] of earlier) {
    const entry = counts(record.category);
    if (settlement === 'delivered') {
      entry.forwarded++;
      entry.forwardedEarlier++;
    } else {
      entry.deadLettered++;
      entry.deadLetteredEarlier++;
    }
  }

  const held = options.finalAttempt ? [] : result.failed.filter((failure) => failure.retryable);
  const toDeadLetter = result.failed.filter((failure) => !held.includes(failure));
  const rejectGroups = groupRejected(unpacked.rejected);
  // Refusal depends on the record alone: checking the refused records again groups those of every message together.
  const refused = pipeline
    .tenants(refusedRecords)
    .refused.map((group) => ({ ...group, reason: 'tenant-not-allowed', attempts: 0 }));
  const letters = [
    ...rejectGroups.map(letterForRejected),
    ...refused.map(letterForFailure),
    ...toDeadLetter.map(letterForFailure),
  ];
  options.settled?.add(result.delivered, 'delivered');
  const deadLetterNames = await writeAll(pipeline.deadLetters, letters);
  options.settled?.add(
    toDeadLetter.flatMap((failure) => failure.records),
    'dead-lettered',
  );

  const failures: FailureNote[] = [];
  for (const group of rejectGroups) {
    const category = group[0]!.category;
    counts(category ?? 'unknown').received += group.length;
    counts(category ?? 'unknown').deadLettered += group.length;
    failures.push({
      category,
      reason: group[0]!.reason,
      detail: rejectDetail(group),
      records: group.length,
      disposition: 'dead-lettered',
      source: group[0]!.source,
    });
  }
  for (const group of refused) {
    counts(group.category).deadLettered += group.records.length;
    failures.push({
      category: group.category,
      reason: group.reason,
      detail: group.detail,
      records: group.records.length,
      disposition: 'dead-lettered',
    });
  }
  for (const failure of result.failed) {
    const disposition = held.includes(failure) ? 'pending' : 'dead-lettered';
    counts(failure.category)[disposition === 'pending' ? 'pending' : 'deadLettered'] += failure.records.length;
    failures.push({
      category: failure.category,
      reason: failure.reason,
      detail: failure.detail,
      status: failure.status,
      records: failure.records.length,
      disposition,
    });
  }

  const total = (key: keyof CategoryCounts) => [...categories.values()].reduce((sum, entry) => sum + entry[key], 0);
  return {
    messages: messages.length,
    received: total('received'),
    forwarded: total('forwarded'),
    deadLettered: total('deadLettered'),
    pending: total('pending'),
    excluded: total('excluded'),
    settledEarlier: earlier.size,
    siemUnavailable: result.failed.some((failure) => failure.retryable),
    categories,
    unknownTables: dispatch.unknownTables,
    coverage: enriched.coverage,
    enrichProblems: enriched.problems,
    failures,
    deadLetterNames,
  };
}

interface Read {
  readonly unpacked: Unpacked;
  /** Records of tenants not allowed, from every message. */
  readonly refusedRecords: ForwardRecord[];
  readonly enriched: Enriched;
}

/** Unpacks, admits and enriches the messages, handing records to `dispatch` as soon as they are final. */
async function readAndDispatch(
  pipeline: Pipeline,
  messages: readonly EventMessage[],
  options: InvocationOptions,
  dispatch: Dispatch,
): Promise<Read> {
  const unpackOptions = { maxRecordBytes: maxRecordBytes(pipeline.sink.format, pipeline.limits) };
  const unpacked: Unpacked = { records: [], rejected: [] };
  const repeated = new RepeatedValues();
  const admitted: ForwardRecord[] = [];
  const refusedRecords: ForwardRecord[] = [];
  for (const message of messages) {
    const first = unpacked.records.length;
    unpackMessage(message, unpackOptions, unpacked, repeated);
    // Before enrichment: another tenant's records neither teach device groups nor reach a batch.
    const checked = pipeline.tenants(unpacked.records.slice(first));
    for (const group of checked.refused) for (const record of group.records) refusedRecords.push(record);
    for (const record of checked.records) admitted.push(record);
    // Records enrichment will not change go now: their full batches are compressed (in the thread pool) and sent
    // while the next message is read. The rest wait until every DeviceInfo row of the invocation is read.
    dispatch.send(checked.records.filter((record) => !needsGroup(record)));
    // One turn of the event loop, so finished compressions are sent and answers read before the next message.
    await setImmediate();
  }
  options.onUnpacked?.(unpacked.records);
  // Enrichment learns from every admitted record, including those the category filter (in dispatch) leaves out:
  // an excluded DeviceInfo record still teaches the groups of its devices.
  const enriched = await enrichRecords(admitted, pipeline.directory, {
    ...(pipeline.defaultMachineGroup === undefined ? {} : { defaultGroup: pipeline.defaultMachineGroup }),
  });
  // Enriched records come back in the order given: the i-th is admitted[i], filled in where it needed a group.
  dispatch.send(enriched.records.filter((_, i) => needsGroup(admitted[i]!)));
  return { unpacked, refusedRecords, enriched };
}

export function emptyCounts(): CategoryCounts {
  return {
    received: 0,
    forwarded: 0,
    deadLettered: 0,
    pending: 0,
    excluded: 0,
    forwardedEarlier: 0,
    deadLetteredEarlier: 0,
    batches: 0,
    bytes: 0,
  };
}

async function writeAll(store: DeadLetterStore, letters: readonly DeadLetter[]): Promise<string[]> {
  try {
    return await Promise.all(letters.map((letter) => store.write(letter)));
  } catch (error) {
    throw new DeadLetterWriteError(error);
  }
}
