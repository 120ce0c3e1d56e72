import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readBodyLines } from '../../cli/sources/eventHubBodies.js';
import { readLines } from '../../cli/sources/lines.js';

/** The stream cut into reads of `size` bytes, as a file or a download delivers it, wherever the cuts fall. */
function inReads(content: Buffer, size: number): Readable {
  return Readable.from(
    Array.from({ length: Math.ceil(content.length / size) }, (_, i) => content.subarray(i * size, (i + 1) * size)),
  );
}

async function lines(content: Buffer, size: number): Promise<[number, string][]> {
  const found: [number, string][] = [];
  for await (const line of readLines(inReads(content, size))) found.push([line.number, line.bytes.toString('hex')]);
  return found;
}

const hex = (text: string | Buffer) => Buffer.from(text).toString('hex');

test('lines end at LF, a CR before it is dropped, blank lines are counted but not read, the last needs no LF', async () => {
  // "é" (2 bytes), "✓" (3) and "😀" (4) in UTF-8, so some cuts fall inside a character.
  const content = Buffer.from('\uFEFF{"a":"é"}\r\n\r\n  \t\n{"b":"✓😀"}\n\n{"c":1}\r\n{"d":"last"}');
  const expected: [number, string][] = [
    [1, hex('{"a":"é"}')],
    [4, hex('{"b":"✓😀"}')],
    [6, hex('{"c":1}')],
    [7, hex('{"d":"last"}')],
  ];
  for (const size of [1, 2, 3, 5, 7, 64, content.length]) {
    assert.deepEqual(await lines(content, size), expected, `reads of ${size} bytes`);
  }
});

test('a line longer than many reads comes out whole, and so does one ending exactly at a read', async () => {
  const long = `{"text":"${'ab✓'.repeat(50_000)}"}`;
  const content = Buffer.from(`${long}\n{"next":true}\n`);
  const atEnd = Buffer.byteLength(long) + 1;
  for (const size of [4096, 65_536, atEnd, atEnd - 1]) {
    assert.deepEqual(
      await lines(content, size),
      [
        [1, hex(long)],
        [2, hex('{"next":true}')],
      ],
      `reads of ${size} bytes`,
    );
  }
});

test('a stream with nothing but blank lines, or nothing at all, has no lines', async () => {
  assert.deepEqual(await lines(Buffer.from('\n\r\n \n'), 2), []);
  assert.deepEqual(await lines(Buffer.alloc(0), 1), []);
});

test('each line of a .jsonl file is its body as received, byte for byte, with its line number', async () => {
  // Not UTF-8 (0xff): decoding it here would put U+FFFD in its place, so the bytes go on untouched.
  const notUtf8 = Buffer.concat([
    Buffer.from('{"records":[{"category":"AdvancedHunting-X","v":"'),
    Buffer.from([0xff]),
    Buffer.from('"}]}'),
  ]);
  const content = Buffer.concat([Buffer.from('{"records":[]}\r\n\n'), notUtf8, Buffer.from('\n')]);
  const messages = [];
  for await (const message of readBodyLines(inReads(content, 3), { file: 'saved.jsonl' })) messages.push(message);

  assert.deepEqual(
    messages.map((message) => [message.source, Buffer.isBuffer(message.body) ? hex(message.body) : message.body]),
    [
      [{ file: 'saved.jsonl', line: 1 }, hex('{"records":[]}')],
      [{ file: 'saved.jsonl', line: 3 }, hex(notUtf8)],
    ],
  );
});
