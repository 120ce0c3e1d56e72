/**
 * A request body made of record texts: one Buffer of exactly the batch's size, each record encoded straight
 * into it. Joining the texts into a string first would build a rope that Buffer.from must flatten (a second copy
 * of the whole body) before encoding it.
 */
import type { ForwardRecord } from '../types/records.js';

export interface BodyShape {
  /** ASCII, like `between` and `close`. */
  readonly open: string;
  /** Written after every record but the last. */
  readonly between: string;
  /** Written after the last record (or after the opening, when there are none). */
  readonly close: string;
  /** Text a protocol writes just before and after each record (an envelope, an action line). */
  readonly around?: (record: ForwardRecord) => Around;
}

export interface Around {
  readonly before: string;
  readonly after: string;
}

export function recordBody(records: readonly ForwardRecord[], shape: BodyShape): Buffer {
  const arounds = shape.around ? records.map(shape.around) : undefined;
  let size = shape.open.length + shape.close.length + Math.max(0, records.length - 1) * shape.between.length;
  for (const record of records) size += record.bytes;
  for (const around of arounds ?? []) size += Buffer.byteLength(around.before) + Buffer.byteLength(around.after);
  const body = Buffer.allocUnsafe(size);
  let offset = body.write(shape.open, 0, 'latin1');
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const around = arounds?.[i];
    if (i > 0) offset += body.write(shape.between, offset, 'latin1');
    if (around) offset += body.write(around.before, offset, 'utf8');
    const written = writeRecord(body, offset, record);
    if (written !== record.bytes)
      throw new Error(`record ${i} of the batch encodes to ${written} bytes, not the ${record.bytes} counted`);
    offset += written;
    if (around) offset += body.write(around.after, offset, 'utf8');
  }
  body.write(shape.close, offset, 'latin1');
  return body;
}

/** Writes the record's text at `offset`; returns the bytes written. */
function writeRecord(body: Buffer, offset: number, { text, bytes, pieces, utf8 }: ForwardRecord): number {
  if (utf8?.of === text) return utf8.bytes.copy(body, offset);
  // As many bytes as characters means every character is ASCII: a plain copy, no UTF-8 encoder needed.
  const encoding = bytes === text.length ? 'latin1' : 'utf8';
  if (pieces?.of !== text) return body.write(text, offset, encoding);
  let written = 0;
  for (const part of pieces.parts) written += body.write(part, offset + written, encoding);
  return written;
}
