/**
 * Files the Streaming API writes to a storage account (PT1H.json): one record a line, LF or CRLF. Lines are
 * wrapped into Event Hub-shaped bodies by concatenating their text ({"records":[line,line,...]}), so every record
 * reaches the pipeline byte for byte, exactly as if it had come through the hub. A line that is not one JSON value
 * (or not UTF-8, which no text can hold as received) becomes a body of its own, so unpack dead-letters that line
 * alone and its neighbours flow.
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { EventMessage, MessageSource } from '../../shared/types/records.js';
import { JsonScanner, JsonSyntaxError } from '../../shared/unpack/jsonScanner.js';
import { readLines } from './lines.js';

/**
 * Lines per body, by size. A replay chunk of 100 such bodies is ~13 MB of text (~20,000 typical records): it
 * batches well and stays modest in memory (512 KiB bodies were no faster and used more memory). A checkpoint
 * counts these bodies, so it records this value and refuses to resume with another.
 */
export const EXPORT_BODY_BYTES = 128 * 1024;

export async function* readStorageExport(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  let records: string[] = [];
  let size = 0;
  let firstLine = 0;
  const wrap = (): EventMessage => {
    const message = { body: `{"records":[${records.join(',')}]}`, source: { ...source, line: firstLine } };
    records = [];
    size = 0;
    return message;
  };
  for await (const line of readLines(input)) {
    const text = isUtf8(line.bytes) ? line.bytes.toString('utf8') : undefined;
    if (text === undefined || !isOneJsonValue(text)) {
      if (records.length > 0) yield wrap();
      yield { body: text ?? line.bytes, source: { ...source, line: line.number } };
      continue;
    }
    if (records.length > 0 && size + text.length > EXPORT_BODY_BYTES) yield wrap();
    if (records.length === 0) firstLine = line.number;
    records.push(text);
    size += text.length + 1;
  }
  if (records.length > 0) yield wrap();
}

function isOneJsonValue(text: string): boolean {
  try {
    const scanner = new JsonScanner(text);
    scanner.skipValue();
    scanner.expectEnd();
    return true;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return false;
    throw error;
  }
}
