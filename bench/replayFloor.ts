/**
 * The floor of a replay, as a process of its own: the whole file read at once, cut into lines, and each group of
 * `messagesPerInvocation` lines through the benchmark's floor (decoded, JSON.parse, JSON.stringify of each record
 * grouped by category). What any program forwarding that file would have to do, and nothing sent. Prints the
 * records it read. Arguments: FILE MESSAGES_PER_INVOCATION.
 */
import { readFile } from 'node:fs/promises';
import { parseAndStringify } from './floor.js';

const [file, perInvocation] = [process.argv[2]!, Number(process.argv[3] ?? 100)];
const content = await readFile(file);
let records = 0;
let bodies: Buffer[] = [];
for (let start = 0; start < content.length; ) {
  const newline = content.indexOf(0x0a, start);
  const end = newline < 0 ? content.length : newline;
  if (end > start) bodies.push(content.subarray(start, end));
  start = end + 1;
  if (bodies.length === perInvocation || (start >= content.length && bodies.length > 0)) {
    records += parseAndStringify(bodies, {}).records;
    bodies = [];
  }
}
process.stdout.write(`${records}\n`);
