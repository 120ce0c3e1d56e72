/**
 * Event Hubs Capture files: Avro object containers of Microsoft.ServiceBus.Messaging.EventData records. Each
 * record's Body is the message body Defender sent; its SequenceNumber, Offset and EnqueuedTimeUtc say where it was
 * in the hub, and go with it into any dead letter.
 */
import { pipeline, type Readable } from 'node:stream';
import type { EventMessage, MessageSource } from '../pipeline/types.js';

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
  for await (const event of decoder as AsyncIterable<CapturedEvent>) {
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
