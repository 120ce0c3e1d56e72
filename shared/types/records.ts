/**
 * The types at the seams of the pipeline: message -> records -> enriched records -> batches -> outcome.
 */

/** Where a message came from, kept with every record so a dead letter can say it. */
export interface MessageSource {
  readonly hub?: string;
  readonly partition?: string;
  readonly sequenceNumber?: number;
  readonly offset?: string;
  readonly enqueuedTime?: string;
  readonly file?: string;
  /** A blob's URL (without any SAS query), when a replay reads straight from a container. */
  readonly blob?: string;
  readonly line?: number;
  /** The dead letter (its name) a redriven record was read from. */
  readonly letter?: string;
}

/** One Event Hub message as the trigger (or the command line) hands it over: body in whatever form it arrived. */
export interface EventMessage {
  readonly body: unknown;
  readonly source: MessageSource;
}

/** Where `MachineGroup` sits in a record's text, so enrichment can splice a value in without re-serializing. */
export type MachineGroupSlot =
  | { readonly kind: 'absent'; readonly insertAt: number; readonly firstMember: boolean }
  | { readonly kind: 'null'; readonly start: number; readonly end: number }
  | { readonly kind: 'value'; readonly value: unknown };

export interface DeviceFields {
  readonly deviceId: string;
  readonly deviceName?: string;
  /** properties.Timestamp: when Defender saw the row; newest wins when devices are learned. */
  readonly timestamp?: string;
  readonly machineGroup: MachineGroupSlot;
}

/** A record on its way to the SIEM: the exact text Defender sent, plus what the pipeline needs to route it. */
export interface ForwardRecord {
  /** The record's JSON text, byte for byte as received, with enrichment spliced in. */
  readonly text: string;
  /** UTF-8 length of text. */
  readonly bytes: number;
  /**
   * When enrichment spliced into the text: the pieces it was joined from, and the joined text they make. A body
   * writes the pieces one after another, because writing the joined text would first copy it whole; they count
   * only while `of` is still the record's text (anything that rewrites the text leaves them behind).
   */
  readonly pieces?: { readonly of: string; readonly parts: readonly string[] };
  /**
   * The record's UTF-8 as it arrived (a view into its message's bytes), while `of` is still its text: a body copies
   * these bytes rather than encode the text again. Absent when the message came as a string.
   */
  readonly utf8?: { readonly of: string; readonly bytes: Buffer } | undefined;
  /** The text as it arrived, before enrichment: what the record's id is made from (see idOf). */
  readonly received: string;
  /** The id a dead letter carried for this record, which it keeps whatever enrichment did since. */
  readonly carriedId?: string;
  /** Where a redriven record first sat, as its dead letter carried it (see pipeline/positions.ts). */
  readonly from?: Position;
  readonly category: string;
  readonly tenantId?: string;
  readonly time?: string;
  readonly device?: DeviceFields;
  readonly source: MessageSource;
  readonly index: number;
}

export type RejectReason =
  | 'invalid-json'
  | 'missing-records'
  /** The body names `records` more than once: JSON readers see only the last, so none is forwarded on its own. */
  | 'ambiguous-records'
  | 'record-not-object'
  | 'missing-category'
  | 'oversize-record'
  /** Reading the body failed in a way nothing else here names (see unpackMessage): kept whole, with the error. */
  | 'unreadable';

/** Input that cannot be forwarded: kept as received, with why. */
export interface RejectedInput {
  readonly reason: RejectReason;
  readonly detail: string;
  /** The raw text: a whole body when it could not be split, else the one record. */
  readonly raw: string;
  /** raw is the body's bytes in base64: they are not UTF-8, so no text holds them as received. */
  readonly rawEncoding?: 'base64';
  /** The element's position in its body's records; absent when the whole body was rejected. */
  readonly index?: number;
  readonly category?: string;
  readonly source: MessageSource;
}

export interface Batch {
  readonly category: string;
  readonly records: readonly ForwardRecord[];
  /** Bytes of the encoded payload, as the format counts them. */
  readonly bytes: number;
}

/** Where a record sat when it was read: its message and its index in that message's body. */
export interface Position {
  readonly source: MessageSource;
  readonly index: number;
}
