import type { ForwardRecord } from '../pipeline/types.js';

/** How records become a request body. Byte counts are what the batcher cuts on, so they must be exact or high. */
export interface Format {
  readonly contentType: string;
  /** Bytes of a body with no records in it (brackets, envelopes). */
  readonly emptyBytes: number;
  /** Bytes one record adds to the body, separator included. */
  recordBytes(record: ForwardRecord): number;
  encode(records: readonly ForwardRecord[]): Buffer;
}
