/**
 * Event Hubs Capture files: Avro object containers of Microsoft.ServiceBus.Messaging.EventData records. Each
 * record's Body is the message body Defender sent; its SequenceNumber, Offset and EnqueuedTimeUtc say where it was
 * in the hub, and go with it into any dead letter.
 */
import { pipeline, type Readable } from 'node:stream';
import type avsc from 'avsc';
import type { EventMessage, MessageSource } from '../../shared/types/records.js';

/** The fields of Capture's EventData schema this reader uses. */
interface CapturedEvent {
  readonly SequenceNumber: number;
  readonly Offset: string;
  readonly EnqueuedTimeUtc: string;
  readonly Body: Buffer | null;
}

export async function* readCapture(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  // Loaded when a Capture file is read: only then is it needed.
  const { default: avsc } = await import('avsc');
  const decoder = new avsc.streams.BlockDecoder();
  // Errors of either side surface in the iteration below; an early return destroys both.
  pipeline(input, decoder, () => undefined);
  for await (const event of decoded(decoder)) {
    yield {
      // A null Body still counts: it reaches unpack as an empty body and is dead-lettered as invalid.
      body: event.Body ?? '',
      source: {
        ...source,
        sequenceNumber: event.SequenceNumber,
        offset: event.Offset,
        enqueuedTime: captureTime(event.EnqueuedTimeUtc),
      },
    };
  }
}

/** The decoder's events, with its errors in words that say what is wrong with the file. */
async function* decoded(decoder: avsc.streams.BlockDecoder): AsyncGenerator<CapturedEvent> {
  try {
    yield* decoder as AsyncIterable<CapturedEvent>;
  } catch (error) {
    const message = (error as Error).message;
    throw message === 'invalid magic bytes' ? new Error('not an Avro container file', { cause: error }) : error;
  }
  const unread = unreadBytes(decoder);
  if (unread !== 0)
    throw new Error('cut short: its end is not a whole Avro block (a copy broken off, or a file still being written)');
}

/**
 * avsc ends quietly when its input stops inside the header or a block, and what was in that block is never read:
 * the bytes it holds unread (its internal buffer, read here because it says so nowhere else) show the cut.
 */
function unreadBytes(decoder: avsc.streams.BlockDecoder): number {
  const tap = (decoder as unknown as { _tap?: { buf: Buffer; pos: number } })._tap;
  return tap ? tap.buf.length - tap.pos : 0;
}

// Capture writes EnqueuedTimeUtc in .NET's invariant format, e.g. "7/18/2026 2:08:10 PM".
const INVARIANT_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? (AM|PM)$/;

/** ISO 8601, as every other source reports it; a value in an unknown format is kept as written. */
export function captureTime(value: string): string {
  const match = INVARIANT_TIME.exec(value.trim());
  if (!match) return value;
  const [month, day, year, hour, minute, second] = match.slice(1, 7).map(Number);
  const hour24 = (hour! % 12) + (match[8] === 'PM' ? 12 : 0);
  const millis = Number(`0.${match[7] ?? '0'}`) * 1000;
  return new Date(Date.UTC(year!, month! - 1, day!, hour24, minute!, second!, Math.floor(millis))).toISOString();
}
