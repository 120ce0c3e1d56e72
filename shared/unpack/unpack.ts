/**
 * Unpack: one Event Hub message body -> the records in it, each as its exact text. A body that is not valid JSON,
 * or not a {"records":[...]} object (or a bare array of records), is rejected whole; within a valid body, each
 * element that cannot be forwarded is rejected alone, as received, and the others flow.
 */
import { inspect } from 'node:util';
import type { EventMessage, ForwardRecord, MessageSource, RejectedInput } from '../types/records.js';
import { readBody } from './body.js';
import { JsonScanner, JsonSyntaxError, skipped } from './jsonScanner.js';
import { matchRecord } from './matchRecord.js';
import { RepeatedValues, scanRecord } from './scanRecord.js';
import { Utf8Cursor } from './utf8Cursor.js';

export interface UnpackOptions {
  /** A record larger than this can never fit in a request, so it is rejected here. */
  readonly maxRecordBytes: number;
}

export interface Unpacked {
  readonly records: ForwardRecord[];
  readonly rejected: RejectedInput[];
}

export function unpackMessages(messages: Iterable<EventMessage>, options: UnpackOptions): Unpacked {
  const unpacked: Unpacked = { records: [], rejected: [] };
  const repeated = new RepeatedValues();
  for (const message of messages) unpackMessage(message, options, unpacked, repeated);
  return unpacked;
}

/**
 * `repeated` shares values that recur across the messages of one invocation (see RepeatedValues). Whatever goes
 * wrong in reading one body stays with that body: it is rejected whole as `unreadable`, with the error, and
 * nothing of it is kept as read, rather than failing the invocation on every retry.
 */
export function unpackMessage(
  message: EventMessage,
  options: UnpackOptions,
  into: Unpacked,
  repeated = new RepeatedValues(),
): void {
  const kept = { records: into.records.length, rejected: into.rejected.length };
  try {
    readMessage(message, options, into, repeated);
  } catch (error) {
    into.records.length = kept.records;
    into.rejected.length = kept.rejected;
    const detail = `the body could not be read: ${String(error)}`;
    into.rejected.push({ reason: 'unreadable', detail, raw: receivedText(message.body), source: message.source });
  }
}

/** The body as text, or when even that fails, the closest description of what arrived. */
function receivedText(body: unknown): string {
  try {
    const read = readBody(body);
    return 'text' in read ? read.text : read.notUtf8.toString('base64');
  } catch {
    return inspect(body, {
      depth: Infinity,
      maxArrayLength: Infinity,
      maxStringLength: Infinity,
      breakLength: Infinity,
      compact: true,
    });
  }
}

function readMessage(message: EventMessage, options: UnpackOptions, into: Unpacked, repeated: RepeatedValues): void {
  const { source } = message;
  const body = readBody(message.body);
  if ('notUtf8' in body) {
    into.rejected.push({
      reason: 'invalid-json',
      detail: 'not valid UTF-8',
      raw: body.notUtf8.toString('base64'),
      rawEncoding: 'base64',
      source,
    });
    return;
  }
  const { text } = body;
  let records: ForwardRecord[] = [];
  const rejected: RejectedInput[] = [];
  let carriedIds: readonly string[] | undefined;
  try {
    const scanner = new JsonScanner(text);
    const cursor = body.bytes ? new Utf8Cursor(text, body.bytes, body.ascii) : undefined;
    const elementOptions = { ...options, repeated, cursor };
    carriedIds = forEachRecordElement(scanner, (start, index) => {
      const outcome = readElement(scanner, start, index, source, elementOptions);
      if ('reason' in outcome) rejected.push(outcome);
      else records.push(outcome);
    });
  } catch (error) {
    if (!(error instanceof BodyShapeError || error instanceof JsonSyntaxError)) throw error;
    const reason = error instanceof BodyShapeError ? error.reason : 'invalid-json';
    const detail = error instanceof JsonSyntaxError ? syntaxDetail(text, error, source) : error.message;
    into.rejected.push({ reason, detail, raw: text, source });
    return;
  }
  if (carriedIds) records = records.map((record) => ({ ...record, carriedId: carriedIds[record.index]! }));
  for (const record of records) into.records.push(record);
  for (const reject of rejected) into.rejected.push(reject);
}

class BodyShapeError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing-records' | 'ambiguous-records' = 'missing-records',
  ) {
    super(message);
  }
}

/**
 * "invalid JSON at line 3, column 5: unexpected character". A body read from a file counts lines from its own line
 * there (a line of .jsonl or PT1H.json), so a person finds the place in the file as it is.
 */
function syntaxDetail(text: string, error: JsonSyntaxError, source: MessageSource): string {
  let lines = 0;
  let lineStart = 0;
  for (
    let newline = text.indexOf('\n');
    newline >= 0 && newline < error.position;
    newline = text.indexOf('\n', newline + 1)
  ) {
    lines++;
    lineStart = newline + 1;
  }
  return `invalid JSON at line ${(source.line ?? 1) + lines}, column ${error.position - lineStart + 1}: ${error.problem}`;
}

/**
 * Calls onElement for each record element. Returns the ids a dead letter carries for its records (`recordIds`,
 * one per element), so a record keeps the id it had when it first arrived even though its text was enriched since.
 */
function forEachRecordElement(
  scanner: JsonScanner,
  onElement: (start: number, index: number) => void,
): readonly string[] | undefined {
  let index = 0;
  const walkArray = () => scanner.forEachElement((start) => onElement(start, index++));
  const first = scanner.peek();
  if (first === 0x5b) {
    walkArray();
    scanner.expectEnd();
    return undefined;
  }
  if (first !== 0x7b) {
    scanner.skipValue();
    scanner.expectEnd();
    throw new BodyShapeError('body is neither {"records":[...]} nor an array of records');
  }
  let found = false;
  let named = 0;
  let ids: string[] | undefined;
  scanner.forEachMember((keyStart) => {
    const records = scanner.keyIs(keyStart, 'records');
    if (records) named++;
    if (records && scanner.peek() === 0x5b) {
      found = true;
      walkArray();
    } else if (scanner.keyIs(keyStart, 'recordIds') && scanner.peek() === 0x5b) {
      ids = readIds(scanner);
    } else {
      scanner.skipValue();
    }
  });
  scanner.expectEnd();
  if (named > 1) {
    // Forwarding every array would send records no JSON reader of this body sees; forwarding the last would drop
    // the others unseen. Kept whole instead, as received.
    throw new BodyShapeError(
      `body names "records" ${named} times; a JSON reader keeps only the last`,
      'ambiguous-records',
    );
  }
  if (!found) throw new BodyShapeError('body has no "records" array');
  return ids?.length === index ? ids : undefined;
}

/** An array of record ids, or undefined (consumed all the same) when any element is not one. */
function readIds(scanner: JsonScanner): string[] | undefined {
  const ids: string[] = [];
  let valid = true;
  scanner.forEachElement(() => {
    const value = scanner.peek() === 0x22 ? scanner.readString() : skipped(scanner);
    if (value !== undefined && RECORD_ID.test(value)) ids.push(value);
    else valid = false;
  });
  return valid ? ids : undefined;
}

const RECORD_ID = /^[0-9a-f]{32}$/;

function readElement(
  scanner: JsonScanner,
  start: number,
  index: number,
  source: MessageSource,
  options: UnpackOptions & { repeated: RepeatedValues; cursor: Utf8Cursor | undefined },
): ForwardRecord | RejectedInput {
  if (scanner.peek() !== 0x7b) {
    const raw = scanner.text.slice(start, scanner.skipValue());
    return { reason: 'record-not-object', detail: `record ${index} is not an object`, raw, index, source };
  }
  const matched = matchRecord(scanner, options.repeated);
  let fields = matched ?? scanRecord(scanner, options.repeated);
  const received = scanner.text.slice(start, scanner.pos);
  const utf8 = options.cursor?.take(start, scanner.pos);
  let text = received;
  // The patterns take no line break, so only a record the cursor read can be pretty-printed. One record must be
  // one line for line-based formats: the whitespace goes.
  if (!matched && (text.includes('\n') || text.includes('\r'))) {
    text = withoutWhitespace(text);
    fields = scanRecord(new JsonScanner(text), options.repeated);
  }
  const category = fields.category;
  if (typeof category !== 'string' || category === '') {
    return { reason: 'missing-category', detail: `record ${index} has no category`, raw: received, index, source };
  }
  const bytes = utf8 && text === received ? utf8.length : Buffer.byteLength(text);
  if (bytes > options.maxRecordBytes) {
    const detail = `record ${index} is ${bytes} bytes; the most one request can carry is ${options.maxRecordBytes}`;
    return { reason: 'oversize-record', detail, raw: received, index, category, source };
  }
  return {
    text,
    bytes,
    received,
    // Kept only while the text is as received; a body then copies these bytes instead of encoding the text.
    utf8: utf8 && text === received ? { of: text, bytes: utf8 } : undefined,
    category,
    tenantId: fields.tenantId,
    time: fields.time,
    device: fields.device,
    source,
    index,
  };
}

/**
 * The text of a valid JSON value without the whitespace between its tokens; its strings are kept exactly as
 * written. A loop rather than a regular expression: a pattern stepping through a string of megabytes runs out of
 * backtracking stack.
 */
function withoutWhitespace(text: string): string {
  const strings = new JsonScanner(text);
  let kept = '';
  let runStart = 0;
  let pos = 0;
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === 0x22) {
      strings.pos = pos;
      pos = strings.skipString();
    } else if (isWhitespace(code)) {
      kept += text.slice(runStart, pos);
      while (isWhitespace(text.charCodeAt(++pos)));
      runStart = pos;
    } else {
      pos++;
    }
  }
  return kept + text.slice(runStart);
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
