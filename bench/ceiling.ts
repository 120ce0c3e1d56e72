/**
 * The ceiling: the same bodies through the pipeline's own first and last stages only, unpacked, batched and
 * encoded into request bodies, with nothing between or after them (no enrichment, no digest, no request). The
 * pipeline does all of this and more, so it cannot beat this; the ceiling's ratio to the floor bounds its own.
 */
import { batchRecords, maxRecordBytes, type BatchLimits } from '../shared/batch/batch.js';
import type { Format } from '../shared/types/format.js';
import { unpackMessages } from '../shared/unpack/unpack.js';

/** Returns the records read and the bytes of the bodies encoded, as the floor does. */
export function unpackBatchAndEncode(
  bodies: readonly Buffer[],
  format: Format,
  limits: BatchLimits,
): { records: number; outputBytes: number } {
  const messages = bodies.map((body, sequenceNumber) => ({ body, source: { sequenceNumber } }));
  const { records } = unpackMessages(messages, { maxRecordBytes: maxRecordBytes(format, limits) });
  let outputBytes = 0;
  for (const batch of batchRecords(records, format, limits)) outputBytes += format.encode(batch.records).length;
  return { records: records.length, outputBytes };
}
