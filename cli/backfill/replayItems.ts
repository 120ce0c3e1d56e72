/**
 * The messages of a replay, each with its place in its file, skipping what a checkpoint says is settled; and the
 * chunks they are forwarded in, one trigger invocation's worth each.
 */
import type { EventMessage } from '../../shared/types/records.js';
import { readSourceFile } from '../sources/readSourceFile.js';
import type { SourceFile } from '../sources/sourceFile.js';
import type { FilePosition, ReplayCheckpoint } from './checkpoint.js';

export interface ReplayItem {
  readonly message: EventMessage;
  readonly file: string;
  /** Position of the message in its file, counting from 0. */
  readonly index: number;
  /** The file has no message after this one. */
  readonly last: boolean;
}

export interface ReadEvents {
  onBytes(bytes: number): void;
  onFileRead(file: SourceFile): void;
}

/** A file that cannot be read to its end: the message names it, then says what is wrong with it. */
export class UnreadableFileError extends Error {
  readonly file: string;

  constructor(file: string, cause: unknown) {
    super(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnreadableFileError';
    this.file = file;
  }
}

export async function* replayItems(
  files: readonly SourceFile[],
  checkpoint: ReplayCheckpoint,
  events: ReadEvents,
): AsyncGenerator<ReplayItem> {
  for (const file of files) {
    const skip = checkpoint.settled(file.key);
    let index = 0;
    try {
      for await (const { item: message, last } of markLast(readSourceFile(file, events.onBytes))) {
        if (index >= skip) yield { message, file: file.key, index, last };
        index++;
      }
    } catch (error) {
      throw new UnreadableFileError(file.name, error);
    }
    events.onFileRead(file);
  }
}

/** Where each file stands once a chunk is settled: the checkpoint's next entries. */
export function settledPositions(chunk: readonly ReplayItem[]): FilePosition[] {
  const positions = new Map<string, FilePosition>();
  for (const item of chunk) {
    const before = positions.get(item.file);
    positions.set(item.file, { file: item.file, settled: item.index + 1, done: item.last || (before?.done ?? false) });
  }
  return [...positions.values()];
}

/**
 * Groups items into invocation-sized chunks, as the trigger would deliver them. When reading fails, the items read
 * before are still handed on, so a run that stops at a broken file has settled everything before it.
 */
export async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  try {
    for await (const item of items) {
      chunk.push(item);
      if (chunk.length >= size) {
        yield chunk;
        chunk = [];
      }
    }
  } catch (error) {
    if (chunk.length > 0) yield chunk;
    throw error;
  }
  if (chunk.length > 0) yield chunk;
}

async function* markLast<T>(items: AsyncIterable<T>): AsyncGenerator<{ item: T; last: boolean }> {
  let held: { value: T } | undefined;
  for await (const item of items) {
    if (held) yield { item: held.value, last: false };
    held = { value: item };
  }
  if (held) yield { item: held.value, last: true };
}
