import type { Batch } from '../pipeline/types.js';
import { sendBatch, type BatchResult, type DeliveryContext, type FailedRecords } from './sendBatch.js';

/** Sends all batches, at most `concurrency` at a time; every record comes back delivered or failed. */
export async function deliverBatches(
  batches: readonly Batch[],
  context: DeliveryContext,
  concurrency: number,
): Promise<BatchResult> {
  const delivered: BatchResult['delivered'] = [];
  const failed: FailedRecords[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const result = await sendBatch(batch.category, batch.records, context);
      for (const record of result.delivered) delivered.push(record);
      for (const failure of result.failed) failed.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return { delivered, failed };
}
