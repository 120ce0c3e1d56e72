/**
 * Batch: records -> requests' worth of records. Each batch holds records of one route and one tenant only (a route
 * implies one category) and stays within the byte and record limits, counted as the format will encode it. Within a
 * route, records keep the order they were added in.
 */
import type { Format } from '../types/format.js';
import type { Batch, ForwardRecord } from '../types/records.js';

export interface BatchLimits {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

/** Records with different keys never share a batch; the key must imply the category. */
export type BatchKey = (record: ForwardRecord) => string;

export function batchRecords(
  records: readonly ForwardRecord[],
  format: Format,
  limits: BatchLimits,
  keyOf: BatchKey = (record) => record.category,
): Batch[] {
  const batches: Batch[] = [];
  const batcher = new Batcher(format, limits, keyOf, (batch) => batches.push(batch));
  for (const record of records) batcher.add(record);
  batcher.flush();
  return batches;
}

/**
 * Batches records as they come: a batch is handed to `onBatch` as soon as the next record of its route and tenant
 * would not fit, so it can be on its way while later records are still being read; `flush` hands over the rest.
 */
export class Batcher {
  // Key, then tenant: two lookups of strings records share, where one composite key would build a string a record.
  readonly #open = new Map<string, Map<string, OpenBatch>>();
  // In the order they were opened, which is the order the ones still open at the end are closed in.
  readonly #opened = new Set<OpenBatch>();
  readonly #format: Format;
  readonly #limits: BatchLimits;
  readonly #keyOf: BatchKey;
  readonly #onBatch: (batch: Batch) => void;

  constructor(format: Format, limits: BatchLimits, keyOf: BatchKey, onBatch: (batch: Batch) => void) {
    this.#format = format;
    this.#limits = limits;
    this.#keyOf = keyOf;
    this.#onBatch = onBatch;
  }

  add(record: ForwardRecord): void {
    // Whatever the route, two tenants never share a request.
    const tenant = record.tenantId ?? '';
    const key = this.#keyOf(record);
    let byTenant = this.#open.get(key);
    if (!byTenant) this.#open.set(key, (byTenant = new Map()));
    const size = this.#format.recordBytes(record);
    let current = byTenant.get(tenant);
    if (
      current &&
      (current.records.length >= this.#limits.maxRecords || current.bytes + size > this.#limits.maxBytes)
    ) {
      this.#close(current);
      current = undefined;
    }
    if (!current) {
      current = { category: record.category, records: [], bytes: this.#format.frameBytes };
      byTenant.set(tenant, current);
      this.#opened.add(current);
    }
    current.records.push(record);
    current.bytes += size;
  }

  flush(): void {
    for (const current of [...this.#opened]) this.#close(current);
    this.#open.clear();
  }

  #close(current: OpenBatch): void {
    this.#opened.delete(current);
    if (current.records.length > 0)
      this.#onBatch({ category: current.category, records: current.records, bytes: current.bytes });
  }
}

interface OpenBatch {
  readonly category: string;
  readonly records: ForwardRecord[];
  bytes: number;
}

/** The largest record that fits in a request on its own (with the one separator every format gives a record). */
export function maxRecordBytes(format: Format, limits: BatchLimits): number {
  return limits.maxBytes - format.frameBytes - 1;
}
