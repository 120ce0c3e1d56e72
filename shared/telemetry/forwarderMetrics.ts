/**
 * The named metrics (metricNames.ts), fed from what one invocation reports: its ForwardSummary, one AttemptEvent
 * per SIEM request, and lag samples. Dimensions are low-cardinality names and codes only, never record content.
 */
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AttemptEvent } from '../types/outcome.js';
import type { ForwardSummary } from '../types/summary.js';
import { metricNames } from './metricNames.js';

/** How enrichment found each device record's MachineGroup: the dimension `source` of the enrichment metric. */
const ENRICHMENT_SOURCES = {
  alreadySet: 'record',
  fromStream: 'stream',
  fromDirectory: 'directory',
  defaulted: 'default',
  unknown: 'unknown',
} as const;

export class ForwarderMetrics {
  readonly #messages: Counter;
  readonly #received: Counter;
  readonly #forwarded: Counter;
  readonly #deadLettered: Counter;
  readonly #pending: Counter;
  readonly #excluded: Counter;
  readonly #batches: Counter;
  readonly #bytes: Counter;
  readonly #retries: Counter;
  readonly #throttles: Counter;
  readonly #duration: Histogram;
  readonly #enrichment: Counter;
  readonly #directoryFailures: Counter;
  readonly #lagEnqueued: Histogram;
  readonly #lagRecord: Histogram;

  constructor(meter: Meter) {
    this.#messages = meter.createCounter(metricNames.messagesReceived, {
      description: 'Event Hub messages by the form their body arrived in',
      unit: '{message}',
    });
    const records = (name: string, description: string) => meter.createCounter(name, { description, unit: '{record}' });
    this.#received = records(metricNames.recordsReceived, 'Records taken from Event Hub messages');
    this.#forwarded = records(metricNames.recordsForwarded, 'Records the SIEM accepted');
    this.#deadLettered = records(metricNames.recordsDeadLettered, 'Records written to the dead-letter store');
    this.#pending = records(metricNames.recordsPending, 'Records left for the trigger to retry');
    this.#excluded = records(metricNames.recordsExcluded, 'Records left out by the category filter');
    this.#enrichment = records(metricNames.enrichment, 'Device records by where their MachineGroup came from');
    this.#directoryFailures = meter.createCounter(metricNames.directoryFailures, {
      description: 'Device directory lookups and writes that failed',
      unit: '{call}',
    });
    this.#batches = meter.createCounter(metricNames.batchesSent, {
      description: 'Requests sent to the SIEM',
      unit: '{request}',
    });
    this.#bytes = meter.createCounter(metricNames.bytesSent, {
      description: 'Request body bytes sent to the SIEM',
      unit: 'By',
    });
    this.#retries = meter.createCounter(metricNames.retries, {
      description: 'SIEM answers worth retrying',
      unit: '{request}',
    });
    this.#throttles = meter.createCounter(metricNames.throttles, {
      description: '429 answers from the SIEM',
      unit: '{request}',
    });
    this.#duration = meter.createHistogram(metricNames.siemDuration, {
      description: 'SIEM request duration',
      unit: 'ms',
    });
    this.#lagEnqueued = meter.createHistogram(metricNames.lagEnqueued, {
      description: 'Now minus Event Hub enqueued time',
      unit: 'ms',
    });
    this.#lagRecord = meter.createHistogram(metricNames.lagRecord, {
      description: "Now minus the record's time",
      unit: 'ms',
    });
  }

  messages(hub: string, bodies: ReadonlyMap<string, number>): void {
    for (const [body, count] of bodies) this.#messages.add(count, { hub, body });
  }

  attempt(hub: string, event: AttemptEvent): void {
    const where = { category: event.category, hub };
    this.#batches.add(1, { ...where, outcome: event.outcome });
    this.#bytes.add(event.bytes, where);
    this.#duration.record(event.durationMs, { ...where, outcome: event.outcome });
    if (event.outcome === 'retry' || event.outcome === 'unauthorized') {
      this.#retries.add(1, { ...where, reason: event.reason ?? event.outcome });
    }
    if (event.status === 429) this.#throttles.add(1, where);
  }

  /**
   * Each try counts what it handled itself: records an earlier try of the invocation settled are neither received
   * nor forwarded again, so received = forwarded + dead_lettered + pending + excluded holds summed over every try.
   */
  invocation(hub: string, summary: ForwardSummary): void {
    for (const [category, counts] of summary.categories) {
      const where = { category, hub };
      this.#received.add(counts.received - counts.forwardedEarlier - counts.deadLetteredEarlier, where);
      this.#forwarded.add(counts.forwarded - counts.forwardedEarlier, where);
      if (counts.pending > 0) this.#pending.add(counts.pending, where);
      if (counts.excluded > 0) this.#excluded.add(counts.excluded, { ...where, reason: 'category-filter' });
    }
    for (const failure of summary.failures) {
      if (failure.disposition !== 'dead-lettered') continue;
      this.#deadLettered.add(failure.records, { category: failure.category ?? 'unknown', hub, reason: failure.reason });
    }
    for (const [category, coverage] of summary.coverage) {
      for (const [field, source] of Object.entries(ENRICHMENT_SOURCES)) {
        const count = coverage[field as keyof typeof ENRICHMENT_SOURCES];
        if (count > 0) this.#enrichment.add(count, { category, hub, source });
      }
    }
    for (const problem of summary.enrichProblems) this.#directoryFailures.add(1, { hub, stage: problem.stage });
  }

  enqueuedLag(hub: string, lags: readonly number[]): void {
    for (const lag of lags) this.#lagEnqueued.record(lag, { hub });
  }

  recordLag(hub: string, samples: ReadonlyMap<string, readonly number[]>): void {
    for (const [category, lags] of samples) {
      const where = { category, hub };
      for (const lag of lags) this.#lagRecord.record(lag, where);
    }
  }
}
