import type { Readable } from 'node:stream';
import type { MessageSource } from '../../shared/types/records.js';

/** When the data in a file was produced, in epoch ms: [start, end). */
export interface DataWindow {
  readonly start: number;
  readonly end: number;
}

/** One file to replay, on disk or in a Blob container. Listing it is cheap; its content is read only by open(). */
export interface SourceFile {
  /** Unique in a run and the same in the next one: the absolute path, or the blob's URL without a query. */
  readonly key: string;
  /** The path or blob name, with forward slashes: the reader is chosen by it. */
  readonly name: string;
  readonly bytes: number;
  readonly window: DataWindow;
  /** What every message read from this file carries: { file } or { blob }. */
  readonly source: MessageSource;
  open(): Promise<Readable>;
}

/** A time range asked for on the command line; either end may be open. */
export interface TimeRange {
  readonly since?: Date;
  readonly until?: Date;
}

export function inRange(window: DataWindow, range: TimeRange): boolean {
  if (range.since && window.end <= range.since.getTime()) return false;
  if (range.until && window.start >= range.until.getTime()) return false;
  return true;
}
