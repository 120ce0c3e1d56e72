/**
 * What earlier tries of a held invocation already settled. The trigger retries a failed invocation with the same
 * events; records that went through the first time (or were dead-lettered) are not sent again, so a partial
 * outage does not turn every retry into duplicates. Keyed by where a record sits in the partition (sequence
 * number, index in the body), not by its content id, so two identical records stay two records.
 */
import type { ForwardRecord } from './types.js';

export type Settlement = 'delivered' | 'dead-lettered';

export class SettledRecords {
  readonly #settled = new Map<string, Settlement>();

  of(record: ForwardRecord): Settlement | undefined {
    const position = positionOf(record);
    return position === undefined ? undefined : this.#settled.get(position);
  }

  add(records: Iterable<ForwardRecord>, settlement: Settlement): void {
    for (const record of records) {
      const position = positionOf(record);
      if (position !== undefined) this.#settled.set(position, settlement);
    }
  }

  get size(): number {
    return this.#settled.size;
  }
}

/** Records without a sequence number (files, redrive) have no stable position and are never skipped. */
function positionOf(record: ForwardRecord): string | undefined {
  const { sequenceNumber } = record.source;
  return sequenceNumber === undefined ? undefined : `${sequenceNumber}:${record.index}`;
}
