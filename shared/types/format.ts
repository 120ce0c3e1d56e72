import type { ForwardRecord } from './records.js';

/** How records become a request body. Byte counts are what the batcher cuts on, so they must be exact or high. */
export interface Format {
  readonly contentType: string;
  /**
   * Bytes a body adds to its records' own: a body of one or more records is `frameBytes` plus each one's
   * `recordBytes`, exactly (a batch is never empty).
   */
  readonly frameBytes: number;
  /** Bytes one record adds to the body, separator included. */
  recordBytes(record: ForwardRecord): number;
  encode(records: readonly ForwardRecord[]): Buffer;
}
