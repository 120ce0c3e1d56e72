import type { Batch } from '../types/records.js';
import type { RouteSecrets } from '../secrets/routeSecrets.js';
import { sendBatch, type DeliveryContext } from './sendBatch.js';
import type { BatchResult, FailedRecords } from '../types/outcome.js';

/** What all batches are delivered with; each batch is sent with the secret of its own route. */
export interface DeliveriesContext extends Omit<DeliveryContext, 'secrets'> {
  readonly secrets: RouteSecrets;
}

/** Batches on their way, at most `concurrency` in flight; more can be sent while earlier ones are. */
export interface Deliveries {
  /** Throws once finish has been called: a batch sent then would have no one waiting for it. */
  send(batch: Batch): void;
  /** Once every batch is sent: resolves when each record is delivered or failed. */
  finish(): Promise<BatchResult>;
}

/** Sends all batches, at most `concurrency` at a time; every record comes back delivered or failed. */
export function deliverBatches(
  batches: readonly Batch[],
  context: DeliveriesContext,
  concurrency: number,
): Promise<BatchResult> {
  const deliveries = startDeliveries(context, concurrency);
  for (const batch of batches) deliveries.send(batch);
  return deliveries.finish();
}

export function startDeliveries(context: DeliveriesContext, concurrency: number): Deliveries {
  const delivered: BatchResult['delivered'] = [];
  const failed: FailedRecords[] = [];
  const queue: Batch[] = [];
  const workers: Promise<void>[] = [];
  // Counted down in the same turn a worker finds the queue empty, so a batch sent just then starts a new one.
  let running = 0;
  // Kept until finish: a worker that fails before anyone waits on it must not become an unhandled rejection.
  let broken: { error: unknown } | undefined;
  let finished = false;
  const work = async () => {
    try {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
        const result = await deliverBatch(batch, context);
        for (const record of result.delivered) delivered.push(record);
        for (const failure of result.failed) failed.push(failure);
      }
    } finally {
      running--;
    }
  };
  const startWorker = () => {
    running++;
    workers.push(
      work().catch((error: unknown) => {
        broken ??= { error };
      }),
    );
  };
  return {
    send(batch) {
      if (finished) throw new Error('a batch was sent after the deliveries were finished');
      queue.push(batch);
      if (running < concurrency) startWorker();
    },
    async finish() {
      finished = true;
      await Promise.all(workers);
      if (broken) throw broken.error;
      return { delivered, failed };
    },
  };
}

async function deliverBatch(batch: Batch, context: DeliveriesContext): Promise<BatchResult> {
  const route = context.sink.route(batch.records[0]!);
  if (route.problem) {
    const { reason, detail } = route.problem;
    return {
      delivered: [],
      failed: [{ category: batch.category, records: batch.records, reason, detail, attempts: 0, retryable: false }],
    };
  }
  return sendBatch(batch.category, batch.records, { ...context, secrets: context.secrets.of(route) });
}
