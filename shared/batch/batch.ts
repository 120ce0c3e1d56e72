/**
 * Batch: records -> requests' worth of records. Each batch holds one category only and stays within the byte
 * and record limits, counted as the format will encode it. Order within a category is kept.
 */
import type { Format } from '../sinks/format.js';
import type { Batch, ForwardRecord } from '../pipeline/types.js';

export interface BatchLimits {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

export function batchRecords(records: readonly ForwardRecord[], format: Format, limits: BatchLimits): Batch[] {
  const open = new Map<string, { records: ForwardRecord[]; bytes: number }>();
  const batches: Batch[] = [];
  const close = (category: string) => {
    const current = open.get(category);
    if (current && current.records.length > 0) batches.push({ category, ...current });
    open.delete(category);
  };
  for (const record of records) {
    const size = format.recordBytes(record);
    let current = open.get(record.category);
    if (current && (current.records.length >= limits.maxRecords || current.bytes + size > limits.maxBytes)) {
      close(record.category);
      current = undefined;
    }
    if (!current) {
      current = { records: [], bytes: format.emptyBytes };
      open.set(record.category, current);
    }
    current.records.push(record);
    current.bytes += size;
  }
  for (const category of [...open.keys()]) close(category);
  return batches;
}

/** The largest record that fits in a request on its own. */
export function maxRecordBytes(format: Format, limits: BatchLimits): number {
  return limits.maxBytes - format.emptyBytes - 1;
}
