/**
 * Message bodies from files: a .json file is one body; a .jsonl or .ndjson file is one body a line; a folder is
 * every such file below it, in name order. Read lazily, so a long replay holds one chunk in memory at a time.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventMessage } from '../pipeline/types.js';

const LINE_FILES = new Set(['.jsonl', '.ndjson']);

export async function* readMessageFiles(paths: readonly string[]): AsyncGenerator<EventMessage> {
  for (const path of paths) {
    for (const file of await expand(path)) yield* readFileMessages(file);
  }
}

async function expand(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true });
  return entries
    .filter((entry) => extname(entry) === '.json' || LINE_FILES.has(extname(entry)))
    .sort()
    .map((entry) => join(path, entry));
}

async function* readFileMessages(file: string): AsyncGenerator<EventMessage> {
  if (!LINE_FILES.has(extname(file))) {
    yield { body: await readFile(file, 'utf8'), source: { file } };
    return;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() !== '') yield { body: text, source: { file, line } };
  }
}

/** Groups messages into invocation-sized chunks, as the trigger would deliver them. */
export async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
