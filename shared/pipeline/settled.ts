/**
 * What earlier tries of a held invocation already settled. The trigger retries a failed invocation with the same
 * events; records that went through the first time (or were dead-lettered) are not sent again, so a partial
 * outage does not turn every retry into duplicates. Keyed by where a record sits in the partition (sequence
 * number, index in the body), not by its content id, so two identical records stay two records.
 */
import type { ForwardRecord } from '../types/records.js';

export type Settlement = 'delivered' | 'dead-lettered';

export class SettledRecords {
  // Sequence number, then index in the body: no string built per record, and a body's records share one entry.
  readonly #settled = new Map<number, Map<number, Settlement>>();
  #size = 0;

  of(record: ForwardRecord): Settlement | undefined {
    const { sequenceNumber } = record.source;
    return sequenceNumber === undefined ? undefined : this.#settled.get(sequenceNumber)?.get(record.index);
  }

  add(records: Iterable<ForwardRecord>, settlement: Settlement): void {
    for (const record of records) {
      // Records without a sequence number (files, redrive) have no stable position and are never skipped.
      const { sequenceNumber } = record.source;
      if (sequenceNumber === undefined) continue;
      let inBody = this.#settled.get(sequenceNumber);
      if (!inBody) this.#settled.set(sequenceNumber, (inBody = new Map()));
      if (!inBody.has(record.index)) this.#size++;
      inBody.set(record.index, settlement);
    }
  }

  get size(): number {
    return this.#size;
  }
}
