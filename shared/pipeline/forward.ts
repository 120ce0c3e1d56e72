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
import type { BackoffPolicy } from '../deliver/backoff.js';
import type { AttemptEvent } from '../deliver/sendBatch.js';
import type { SiemResponse } from '../deliver/outcome.js';
import type { DeviceDirectory } from '../enrich/deviceDirectory.js';
import { enrichRecords, needsGroup, type CategoryCoverage, type Enriched, type EnrichProblem } from '../enrich/enrich.js';
import type { CategoryFilter } from '../filter/categoryFilter.js';
import type { TenantFilter } from '../filter/tenants.js';
import type { RouteSecrets } from '../secrets/routeSecrets.js';
import type { Sink, SiemRequest } from '../sinks/sink.js';
import { RepeatedValues } from '../unpack/scanRecord.js';
import { unpackMessage, type Unpacked } from '../unpack/unpack.js';
import { Dispatch } from './dispatch.js';
import type { SettledRecords } from './settled.js';
import type { EventMessage, ForwardRecord, MessageSource } from './types.js';

/** The long-lived parts, built once per process from the Config. */
export interface Pipeline {
  readonly sink: Sink;
  readonly post: (request: SiemRequest, signal?: AbortSignal) => Promise<SiemResponse>;
  /** The SIEM credential of each route. */
  readonly secrets: RouteSecrets;
  readonly directory: DeviceDirectory;
  readonly deadLetters: DeadLetterStore;
  readonly limits: { readonly maxBytes: number; readonly maxRecords: number };
  readonly concurrency: number;
  readonly backoff: BackoffPolicy;
  readonly defaultMachineGroup?: string;
  /** CATEGORIES_INCLUDE / CATEGORIES_EXCLUDE. */
  readonly filter: CategoryFilter;
  /** ALLOWED_TENANT_IDS. */
  readonly tenants: TenantFilter;
  /** PARSE_DYNAMIC_FIELDS: JSON-in-a-string columns become JSON (a departure from byte fidelity, off by default). */
  readonly parseDynamicFields?: boolean;
}

export interface InvocationOptions {
  /** Epoch ms: no request is started or waited for after it. */
  readonly deadline: number;
  /** On the last attempt, records the SIEM could not take yet are dead-lettered instead of left pending. */
  readonly finalAttempt: boolean;
  readonly signal?: AbortSignal;
  readonly onAttempt?: (event: AttemptEvent) => void;
  /** Sees the records once unpacked (telemetry reads their times for lag). */
  readonly onUnpacked?: (records: readonly ForwardRecord[]) => void;
  /** What earlier tries of this same invocation settled: skipped now, and filled in with what this try settles. */
  readonly settled?: SettledRecords;
}

export interface CategoryCounts {
  received: number;
  forwarded: number;
  deadLettered: number;
  pending: number;
  /** Left out by the category filter: counted here, never sent. */
  excluded: number;
  /** Of forwarded and deadLettered: settled by an earlier try of this invocation, not this one. */
  forwardedEarlier: number;
  deadLetteredEarlier: number;
  batches: number;
  bytes: number;
}

export interface ForwardSummary {
  readonly messages: number;
  /** Records unpacked plus inputs that could not be unpacked (a whole invalid body counts once). */
  readonly received: number;
  readonly forwarded: number;
  readonly deadLettered: number;
  /** Records the SIEM could not take yet and that were not dead-lettered: the invocation must be retried. */
  readonly pending: number;
  /** Records the category filter left out. received = forwarded + deadLettered + pending + excluded. */
  readonly excluded: number;
  /** Of forwarded and dead-lettered: records an earlier try of this invocation had settled, not sent again. */
  readonly settledEarlier: number;
  /** Some records failed for a reason that may pass: the SIEM unreachable or busy, or the credential refused. */
  readonly siemUnavailable: boolean;
  readonly categories: ReadonlyMap<string, CategoryCounts>;
  /** Records of tables not known to be streamed (schema drift), per category. */
  readonly unknownTables: ReadonlyMap<string, number>;
  readonly coverage: ReadonlyMap<string, CategoryCoverage>;
  /** The device directory failed: records went on without what it would have filled in. */
  readonly enrichProblems: readonly EnrichProblem[];
  readonly failures: readonly FailureNote[];
  readonly deadLetterNames: readonly string[];
}

/** One line's worth about something that did not go through; never record content. */
export interface FailureNote {
  readonly category?: string;
  readonly reason: string;
  readonly detail: string;
  readonly status?: number;
  readonly records: number;
  readonly disposition: 'dead-lettered' | 'pending';
  /** Bad input: the message it was in (its file and line, when it came from one). */
  readonly source?: MessageSource;
}

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
  const refused = pipeline.tenants(refusedRecords).refused.map((group) => ({ ...group, reason: 'tenant-not-allowed', attempts: 0 }));
  const letters = [...rejectGroups.map(letterForRejected), ...refused.map(letterForFailure), ...toDeadLetter.map(letterForFailure)];
  options.settled?.add(result.delivered, 'delivered');
  const deadLetterNames = await writeAll(pipeline.deadLetters, letters);
  options.settled?.add(toDeadLetter.flatMap((failure) => failure.records), 'dead-lettered');

  const failures: FailureNote[] = [];
  for (const group of rejectGroups) {
    const category = group[0]!.category;
    counts(category ?? 'unknown').received += group.length;
    counts(category ?? 'unknown').deadLettered += group.length;
    failures.push({ category, reason: group[0]!.reason, detail: rejectDetail(group), records: group.length, disposition: 'dead-lettered', source: group[0]!.source });
  }
  for (const group of refused) {
    counts(group.category).deadLettered += group.records.length;
    failures.push({ category: group.category, reason: group.reason, detail: group.detail, records: group.records.length, disposition: 'dead-lettered' });
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
  return { received: 0, forwarded: 0, deadLettered: 0, pending: 0, excluded: 0, forwardedEarlier: 0, deadLetteredEarlier: 0, batches: 0, bytes: 0 };
}

async function writeAll(store: DeadLetterStore, letters: readonly DeadLetter[]): Promise<string[]> {
  try {
    return await Promise.all(letters.map((letter) => store.write(letter)));
  } catch (error) {
    throw new DeadLetterWriteError(error);
  }
}
