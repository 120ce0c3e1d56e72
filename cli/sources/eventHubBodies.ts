/** Event Hub message bodies saved to files: a .json file is one body, a .jsonl/.ndjson file one body a line. */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { EventMessage, MessageSource } from '../../shared/types/records.js';

export async function* readBodyFile(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  yield { body: Buffer.concat(chunks), source };
}

export async function* readBodyLines(input: Readable, source: MessageSource): AsyncGenerator<EventMessage> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() !== '') yield { body: text, source: { ...source, line } };
  }
}
