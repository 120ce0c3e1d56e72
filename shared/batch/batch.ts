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
  // Key, then tenant: two lookups of strings records share, where one composite key would build a string a record.
  const open = new Map<string, Map<string, OpenBatch>>();
  // In the order they were opened, which is the order the ones still open at the end are closed in.
  const opened = new Set<OpenBatch>();
  const batches: Batch[] = [];
  const close = (current: OpenBatch) => {
    if (current.records.length > 0) batches.push({ category: current.category, records: current.records, bytes: current.bytes });
    opened.delete(current);
  };
  for (const record of records) {
    // Whatever the route, two tenants never share a request.
    const key = keyOf(record);
    const tenant = record.tenantId ?? '';
    let byTenant = open.get(key);
    if (!byTenant) open.set(key, (byTenant = new Map()));
    const size = format.recordBytes(record);
    let current = byTenant.get(tenant);
    if (current && (current.records.length >= limits.maxRecords || current.bytes + size > limits.maxBytes)) {
      close(current);
      current = undefined;
    }
    if (!current) {
      current = { category: record.category, records: [], bytes: format.emptyBytes };
      byTenant.set(tenant, current);
      opened.add(current);
    }
    current.records.push(record);
    current.bytes += size;
  }
  for (const current of [...opened]) close(current);
  return batches;
}

interface OpenBatch {
  readonly category: string;
  readonly records: ForwardRecord[];
  bytes: number;
}

/** The largest record that fits in a request on its own. */
export function maxRecordBytes(format: Format, limits: BatchLimits): number {
  return limits.maxBytes - format.emptyBytes - 1;
}
