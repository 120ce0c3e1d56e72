/**
 * A dead letter: records that could not be delivered, kept byte for byte, with why, when and where from.
 * The document is itself a valid message body ({"records":[...]} plus metadata), so redrive feeds it back through
 * unpack unchanged.
 */
import { createHash } from 'node:crypto';
import type { PositionRun } from '../pipeline/positions.js';
import type { MessageSource } from '../types/records.js';

export interface DeadLetterMeta {
  readonly reason: string;
  readonly detail: string;
  readonly category?: string;
  readonly status?: number;
  readonly responseExcerpt?: string;
  readonly attempts: number;
  readonly failedAt: string;
  readonly source: DeadLetterSource;
  /** One per record, in order: the ids the records had when they first arrived (redrive keeps them). */
  readonly recordIds?: readonly string[];
  /** Where the records sat when they first arrived, in order (redrive keeps them, for the Idempotency-Keys). */
  readonly positions?: readonly PositionRun[];
  /** Set by redrive on a letter it could not empty: how often it tried, when last, and the latest answer. */
  readonly redrives?: number;
  readonly lastRedriveAt?: string;
  readonly lastFailure?: FailureAnswer;
}

export interface FailureAnswer {
  readonly reason: string;
  readonly detail: string;
  readonly status?: number;
  readonly responseExcerpt?: string;
}

export interface DeadLetterSource {
  readonly hub?: string;
  readonly partition?: string;
  readonly sequenceNumbers?: readonly number[];
  readonly enqueuedTime?: string;
  readonly files?: readonly string[];
  readonly lines?: readonly number[];
  readonly blobs?: readonly string[];
}

export interface DeadLetter {
  readonly meta: DeadLetterMeta;
  /** Record texts exactly as they would have been sent; valid JSON each. */
  readonly records: readonly string[];
  /** A body that was not valid JSON, kept as received. */
  readonly rawBody?: string;
  /** Such a body that was not even UTF-8: its bytes, in base64. */
  readonly rawBodyBase64?: string;
}

/** The letter as stored: its metadata, then `records`, so the document is itself a message body. */
export function encodeDeadLetter(letter: DeadLetter): string {
  const meta = JSON.stringify({
    ...letter.meta,
    ...(letter.rawBody === undefined ? {} : { rawBody: letter.rawBody }),
    ...(letter.rawBodyBase64 === undefined ? {} : { rawBodyBase64: letter.rawBodyBase64 }),
  });
  return `${meta.slice(0, -1)},"records":[${letter.records.join(',')}]}`;
}

/**
 * A name that sorts by the time the data was produced, says the category, and is the same when the same failure
 * is written twice (a retried invocation overwrites instead of duplicating). Where the records came from, down to
 * their positions, is part of it, so neither two messages nor two batches of the same content share a name.
 */
export function deadLetterName(letter: DeadLetter): string {
  const when = new Date(letter.meta.source.enqueuedTime ?? letter.meta.failedAt);
  const stamp = Number.isNaN(when.getTime()) ? letter.meta.failedAt : when.toISOString();
  const hash = createHash('sha256');
  hash.update(JSON.stringify([letter.meta.reason, letter.meta.source, letter.meta.positions ?? null]));
  for (const record of letter.records) hash.update(record);
  if (letter.rawBody !== undefined) hash.update(letter.rawBody);
  if (letter.rawBodyBase64 !== undefined) hash.update(letter.rawBodyBase64);
  const day = stamp.slice(0, 10).replaceAll('-', '/');
  return `${day}/${stamp.replace(/[:.]/g, '')}-${categoryLabel(letter.meta.category)}-${letter.meta.reason}-${hash.digest('hex').slice(0, 16)}.json`;
}

// Real categories are under 50 characters; a name stays far below a file name's 255 bytes and a blob name's 1,024.
const LABEL_CHARS = 80;

/**
 * The category as letter names and blob metadata show it: letters, digits and `-`, others as `_`, cut at 80
 * characters. Anything may be in a category; a name or header must not break on it (the hash keeps names apart).
 */
export function categoryLabel(category: string | undefined): string {
  return (category ?? 'unknown').slice(0, LABEL_CHARS).replace(/[^A-Za-z0-9-]/g, '_');
}

export function summarizeSources(sources: readonly MessageSource[]): DeadLetterSource {
  const first = sources[0];
  const distinct = <T>(pick: (source: MessageSource) => T | undefined): T[] => [
    ...new Set(
      sources.flatMap((source) => {
        const value = pick(source);
        return value === undefined ? [] : [value];
      }),
    ),
  ];
  const sequenceNumbers = distinct((source) => source.sequenceNumber);
  const files = distinct((source) => source.file);
  const blobs = distinct((source) => source.blob);
  const lines = distinct((source) => source.line);
  const enqueued = sources
    .map((source) => source.enqueuedTime)
    .filter((time): time is string => time !== undefined)
    .sort()[0];
  return {
    ...(first?.hub ? { hub: first.hub } : {}),
    ...(first?.partition ? { partition: first.partition } : {}),
    ...(sequenceNumbers.length > 0 ? { sequenceNumbers } : {}),
    ...(enqueued ? { enqueuedTime: enqueued } : {}),
    ...(files.length > 0 ? { files } : {}),
    ...(lines.length > 0 ? { lines } : {}),
    ...(blobs.length > 0 ? { blobs } : {}),
  };
}

/** The metadata of a stored letter, or undefined when the text is not a dead letter. */
export function readDeadLetterMeta(
  content: string,
): (DeadLetterMeta & Pick<DeadLetter, 'rawBody' | 'rawBodyBase64'>) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { records?: unknown }).records))
    return undefined;
  const { records: _records, ...meta } = parsed as DeadLetterMeta & { records: unknown };
  if (typeof meta.reason !== 'string' || typeof meta.attempts !== 'number') return undefined;
  return meta;
}
