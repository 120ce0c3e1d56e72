/**
 * The Event Hub trigger's arguments as @azure/functions hands them over, turned into EventMessages.
 *
 * The library converts the host's typed data before the handler sees it (fromRpcTypedData, fromRpcTriggerMetadata):
 * - bodies: `binary` gives Buffers, untouched; `string` gives strings, but the library JSON.parses each one that
 *   parses, so the handler would get objects with big numbers already rounded. `kindOf` tells them apart.
 * - SequenceNumberArray comes as protobuf sint64, which the worker decodes to Long objects and the library's
 *   camelCasing flattens to plain `{low, high, unsigned}`; OffsetArray as strings the library parses to numbers.
 * - EnqueuedTimeUtcArray comes as .NET writes a DateTime of unspecified kind: UTC without a zone designator, with
 *   up to seven fraction digits. Read as JavaScript reads it, it would be local time.
 */
import type { InvocationContext } from '@azure/functions';
import type { EventMessage, MessageSource } from '../types/records.js';

/** How a body reached the handler: the bytes Defender wrote, text, or an object the host already parsed. */
export type BodyKind = 'bytes' | 'text' | 'parsed';

export function kindOf(body: unknown): BodyKind {
  return body instanceof Uint8Array ? 'bytes' : typeof body === 'string' ? 'text' : 'parsed';
}

interface EventHubMetadata {
  partitionContext?: { eventHubName?: string; partitionId?: string };
  sequenceNumberArray?: unknown[];
  offsetArray?: unknown[];
  enqueuedTimeUtcArray?: unknown[];
}

export function partitionOf(context: InvocationContext): string {
  const partitionContext = (context.triggerMetadata as EventHubMetadata | undefined)?.partitionContext;
  return `${partitionContext?.eventHubName ?? ''}/${partitionContext?.partitionId ?? ''}`;
}

export function toEventMessages(messages: unknown, context: InvocationContext): EventMessage[] {
  const bodies = Array.isArray(messages) ? messages : [messages];
  const metadata = (context.triggerMetadata ?? {}) as EventHubMetadata;
  const hub = metadata.partitionContext?.eventHubName;
  const partition = metadata.partitionContext?.partitionId;
  return bodies.map((body: unknown, i) => {
    const sequenceNumber = hostLong(metadata.sequenceNumberArray?.[i]);
    const offset = metadata.offsetArray?.[i];
    const enqueued = metadata.enqueuedTimeUtcArray?.[i];
    const source: MessageSource = {
      ...(hub ? { hub } : {}),
      ...(partition ? { partition: String(partition) } : {}),
      ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
      ...(offset !== undefined && offset !== null ? { offset: String(offset) } : {}),
      ...(enqueued !== undefined ? { enqueuedTime: hostUtcTime(enqueued) } : {}),
    };
    return { body, source };
  });
}

/** A number, a numeric string, or a 64-bit value as protobuf's Long (or its flattened copy) carries it. */
export function hostLong(value: unknown): number | undefined {
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return high * 2 ** 32 + (low >>> 0);
  }
  const number =
    typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

const HOST_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/** An ISO-8601 UTC time: a time with no zone designator is UTC (the host writes UTC that way). */
export function hostUtcTime(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : String(value);
  const parts = HOST_TIME.exec(text);
  const date = parts
    ? new Date(`${parts[1]}.${(parts[2] ?? '').padEnd(3, '0').slice(0, 3)}${parts[3] ?? 'Z'}`)
    : new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
