/**
 * Enriched records -> batches on their way. Records can be handed over in parts, as soon as enrichment has
 * nothing left to change in them; each part passes the category filter, skips what an earlier try settled, takes
 * its final shape and joins its route's open batch, and a full batch is sent at once.
 */
import { Batcher } from '../batch/batch.js';
import { startDeliveries, type Deliveries } from '../deliver/deliverBatches.js';
import type { BatchResult } from '../types/outcome.js';
import { parseDynamicFields } from '../shape/dynamicFields.js';
import type { InvocationOptions, Pipeline } from './pipeline.js';
import type { Settlement } from './settled.js';
import type { Batch, ForwardRecord } from '../types/records.js';

export class Dispatch {
  /** Records the category filter left out, per category. */
  readonly excluded = new Map<string, number>();
  /** Records of tables not known to be streamed, per category. */
  readonly unknownTables = new Map<string, number>();
  /** Records an earlier try of this invocation settled: not sent again. */
  readonly earlier = new Map<ForwardRecord, Settlement>();
  readonly batches: Batch[] = [];
  readonly #pipeline: Pipeline;
  readonly #options: InvocationOptions;
  readonly #batcher: Batcher;
  readonly #deliveries: Deliveries;

  constructor(pipeline: Pipeline, options: InvocationOptions) {
    this.#pipeline = pipeline;
    this.#options = options;
    this.#deliveries = startDeliveries(
      {
        sink: pipeline.sink,
        post: pipeline.post,
        secrets: pipeline.secrets,
        backoff: pipeline.backoff,
        deadline: options.deadline,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
      },
      pipeline.concurrency,
    );
    const keyOf = (record: ForwardRecord) => pipeline.sink.route(record).key;
    this.#batcher = new Batcher(pipeline.sink.format, pipeline.limits, keyOf, (batch) => {
      this.batches.push(batch);
      this.#deliveries.send(batch);
    });
  }

  send(records: readonly ForwardRecord[]): void {
    const filtered = this.#pipeline.filter(records);
    addCounts(this.excluded, filtered.excluded);
    addCounts(this.unknownTables, filtered.unknownTables);
    const fresh = filtered.records.filter((record) => {
      const settlement = this.#options.settled?.of(record);
      if (settlement) this.earlier.set(record, settlement);
      return settlement === undefined;
    });
    const shaped = this.#pipeline.parseDynamicFields ? parseDynamicFields(fresh) : fresh;
    for (const record of shaped) this.#batcher.add(record);
  }

  /** Sends what is still open; resolves when every record sent is delivered or failed. */
  finish(): Promise<BatchResult> {
    this.#batcher.flush();
    return this.#deliveries.finish();
  }

  /** For an invocation that fails anyway: waits for the batches already sent, and sends none of those still open. */
  async abandon(): Promise<void> {
    // Their own failure is beside the point: the invocation fails with what stopped it.
    await this.#deliveries.finish().catch(() => {});
  }
}

function addCounts(total: Map<string, number>, part: ReadonlyMap<string, number>): void {
  for (const [key, count] of part) total.set(key, (total.get(key) ?? 0) + count);
}
