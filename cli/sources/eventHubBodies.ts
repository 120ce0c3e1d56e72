/** Event Hub message bodies saved to files: a .json file is one body, a .jsonl/.ndjson file one body a line. */
import type { Readable } from 'node:stream';
import type { EventMessage, MessageSource } from '../../shared/types/records.js';
import { readLines } from './lines.js';

export async function* readBodyFile(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  yield { body: Buffer.concat(chunks), source };
}

/** Each line's bytes are its body, as the trigger hands a message over: decoding is unpack's (see readBody). */
export async function* readBodyLines(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  for await (const line of readLines(input)) yield { body: line.bytes, source: { ...source, line: line.number } };
}
