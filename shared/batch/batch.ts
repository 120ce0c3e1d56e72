/**
 * Batch: records -> requests' worth of records. Each batch holds records of one route and one tenant only (a route
 * implies one category) and stays within the byte and record limits, counted as the format will encode it. Order within a
 * route is kept.
 */
import type { Format } from '../sinks/format.js';
import type { Batch, ForwardRecord } from '../pipeline/types.js';

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
  const open = new Map<string, { category: string; records: ForwardRecord[]; bytes: number }>();
  const batches: Batch[] = [];
  const close = (key: string) => {
    const current = open.get(key);
    if (current && current.records.length > 0) batches.push(current);
    open.delete(key);
  };
  for (const record of records) {
    // Whatever the route, two tenants never share a request.
    const key = `${keyOf(record)}\u0000${record.tenantId ?? ''}`;
    const size = format.recordBytes(record);
    let current = open.get(key);
    if (current && (current.records.length >= limits.maxRecords || current.bytes + size > limits.maxBytes)) {
      close(key);
      current = undefined;
    }
    if (!current) {
      current = { category: record.category, records: [], bytes: format.emptyBytes };
      open.set(key, current);
    }
    current.records.push(record);
    current.bytes += size;
  }
  for (const key of [...open.keys()]) close(key);
  return batches;
}

/** The largest record that fits in a request on its own. */
export function maxRecordBytes(format: Format, limits: BatchLimits): number {
  return limits.maxBytes - format.emptyBytes - 1;
}
