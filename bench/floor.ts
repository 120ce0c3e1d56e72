/**
 * The floor: what the runtime cannot avoid for the same bytes. Each message decoded (with the pipeline's own
 * decoder, the fastest this runtime has: see decodeUtf8) and through JSON.parse, each record
 * through JSON.stringify, grouped by category into one ndjson body per category, and (with gzip) each body
 * compressed at the same level the pipeline uses, on the main thread. No enrichment, no batch limits, no
 * fidelity (JSON.parse rounds 19-digit ReportIds): a lower bound on the work, not a competitor.
 */
import { gzipSync } from 'node:zlib';
import { decodeUtf8 } from '../shared/unpack/body.js';

export interface FloorOptions {
  readonly gzipLevel?: number;
}

/** Returns the records handled and the bytes produced (which also keeps the work from being optimised away). */
export function parseAndStringify(
  bodies: readonly Buffer[],
  options: FloorOptions,
): { records: number; outputBytes: number } {
  const byCategory = new Map<string, unknown[]>();
  let records = 0;
  for (const body of bodies) {
    const parsed = JSON.parse(decodeUtf8(body)) as { records: { category: string }[] };
    records += parsed.records.length;
    for (const record of parsed.records) {
      let group = byCategory.get(record.category);
      if (!group) byCategory.set(record.category, (group = []));
      group.push(record);
    }
  }
  let outputBytes = 0;
  for (const group of byCategory.values()) {
    let text = '';
    for (const record of group) text += `${JSON.stringify(record)}\n`;
    const body = Buffer.from(text);
    outputBytes += options.gzipLevel === undefined ? body.length : gzipSync(body, { level: options.gzipLevel }).length;
  }
  return { records, outputBytes };
}
