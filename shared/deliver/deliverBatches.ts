import type { Batch } from '../pipeline/types.js';
import type { RouteSecrets } from '../secrets/routeSecrets.js';
import { sendBatch, type BatchResult, type DeliveryContext, type FailedRecords } from './sendBatch.js';

/** What all batches are delivered with; each batch is sent with the secret of its own route. */
export interface DeliveriesContext extends Omit<DeliveryContext, 'secrets'> {
  readonly secrets: RouteSecrets;
}

/** Sends all batches, at most `concurrency` at a time; every record comes back delivered or failed. */
export async function deliverBatches(
  batches: readonly Batch[],
  context: DeliveriesContext,
  concurrency: number,
): Promise<BatchResult> {
  const delivered: BatchResult['delivered'] = [];
  const failed: FailedRecords[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const result = await deliverBatch(batches[next++]!, context);
      for (const record of result.delivered) delivered.push(record);
      for (const failure of result.failed) failed.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return { delivered, failed };
}

async function deliverBatch(batch: Batch, context: DeliveriesContext): Promise<BatchResult> {
  const route = context.sink.route(batch.records[0]!);
  if (route.missingTenant) {
    const detail = 'the destination uses {tenantId} and the records have no tenantId';
    return { delivered: [], failed: [{ category: batch.category, records: batch.records, reason: 'missing-tenant', detail, attempts: 0, retryable: false }] };
  }
  return sendBatch(batch.category, batch.records, { ...context, secrets: context.secrets.of(route) });
}
