/**
 * Bisection: a part the SIEM refused as too large or as bad (413, or a 400 some of its records caused) may go
 * through in smaller parts, so its records are halved and each half sent on its own, until the refusing records
 * stand alone. Yields each part's final answer in the batch's order, each before the next part is sent.
 */
import type { ForwardRecord } from '../types/records.js';
import type { Retried } from './retrying.js';

export async function* bisect(
  records: readonly ForwardRecord[],
  send: (records: readonly ForwardRecord[]) => Promise<Retried>,
): AsyncGenerator<Retried> {
  const retried = await send(records);
  const { sent } = retried;
  // The records the refusal was about: an earlier answer item by item may have settled some of those sent.
  const refused = retried.records;
  if (sent.kind !== 'reject' || !sent.split || refused.length < 2) {
    yield retried;
    return;
  }
  const middle = Math.ceil(refused.length / 2);
  yield* bisect(refused.slice(0, middle), send);
  yield* bisect(refused.slice(middle), send);
}
