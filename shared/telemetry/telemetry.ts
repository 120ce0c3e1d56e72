/**
 * What an invocation hands to telemetry: its messages when it starts, its records once unpacked, each SIEM request
 * as it completes (forward()'s hooks), and its summary at the end. Telemetry turns them into the named metrics, and
 * hands back the lag figures for the invocation's log line.
 */
import { metrics } from '@opentelemetry/api';
import type { AttemptEvent } from '../types/outcome.js';
import type { ForwardSummary } from '../types/summary.js';
import type { EventMessage, ForwardRecord } from '../types/records.js';
import { ForwarderMetrics } from './forwarderMetrics.js';
import { enqueuedLags, maxOf, recordLagSamples } from './lag.js';

export const METER_NAME = 'defender-siem-forwarder';

export interface InvocationObserver {
  readonly onUnpacked: (records: readonly ForwardRecord[]) => void;
  readonly onAttempt: (event: AttemptEvent) => void;
  /** Records the invocation's outcome; returns its lag, for the log line. */
  finish(summary: ForwardSummary): InvocationLag;
}

export interface InvocationLag {
  /** The oldest message: now minus its Event Hub enqueued time, ms. */
  readonly lagEnqueuedMaxMs?: number;
  /** The oldest record: now minus its `time`, ms. */
  readonly lagRecordMaxMs?: number;
}

export class Telemetry {
  readonly #metrics: ForwarderMetrics;
  readonly #exporter: { flush(): Promise<void>; shutdown(): Promise<void> } | undefined;

  /** Without an exporter, the instruments come from the OpenTelemetry API's no-op meter: nothing leaves. */
  constructor(exporter?: { flush(): Promise<void>; shutdown(): Promise<void> }) {
    this.#exporter = exporter;
    this.#metrics = new ForwarderMetrics(metrics.getMeter(METER_NAME));
  }

  /** Messages by the form their body reached the handler in (see BodyKind). */
  bodies(hub: string, kinds: ReadonlyMap<string, number>): void {
    this.#metrics.messages(hub, kinds);
  }

  observe(hub: string, messages: readonly EventMessage[]): InvocationObserver {
    const enqueued = enqueuedLags(messages, Date.now());
    this.#metrics.enqueuedLag(hub, enqueued);
    let oldestRecord: number | undefined;
    return {
      onUnpacked: (records) => {
        const samples = recordLagSamples(records, Date.now());
        this.#metrics.recordLag(hub, samples);
        oldestRecord = maxOf([...samples.values()].map((lags) => maxOf(lags) ?? 0));
      },
      onAttempt: (event) => this.#metrics.attempt(hub, event),
      finish: (summary) => {
        this.#metrics.invocation(hub, summary);
        const oldestMessage = maxOf(enqueued);
        return {
          ...(oldestMessage === undefined ? {} : { lagEnqueuedMaxMs: Math.round(oldestMessage) }),
          ...(oldestRecord === undefined ? {} : { lagRecordMaxMs: Math.round(oldestRecord) }),
        };
      },
    };
  }

  /** Sends what is buffered now; resolves when the ingestion endpoint has answered. */
  async flush(): Promise<void> {
    await this.#exporter?.flush();
  }

  async shutdown(): Promise<void> {
    await this.#exporter?.shutdown();
  }
}
