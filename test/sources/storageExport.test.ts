import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { EventMessage } from '../../shared/types/records.js';
import { EXPORT_BODY_BYTES, readStorageExport } from '../../cli/sources/storageExport.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { deviceEvent, deviceInfo, recordText } from '../support/records.js';

const source = { file: 'PT1H.json' };

async function read(content: string | Buffer, chunkBytes = 7): Promise<EventMessage[]> {
  const bytes = Buffer.from(content);
  // Small chunks, so lines and multi-byte characters are split across reads as they are on a real download.
  const pieces = Array.from({ length: Math.ceil(bytes.length / chunkBytes) }, (_, i) =>
    bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes),
  );
  const messages: EventMessage[] = [];
  for await (const message of readStorageExport(Readable.from(pieces), source)) messages.push(message);
  return messages;
}

test('CRLF lines become one body whose records are the lines, byte for byte', async () => {
  const lines = [
    deviceInfo('d1', 'Servers'),
    deviceEvent('d1', 'null'),
    recordText({ table: 'EmailEvents', properties: '"Subject":"Grüße \\u00e9 ✓"' }),
  ];
  const messages = await read(`\uFEFF${lines.join('\r\n')}\r\n`);
  assert.equal(messages.length, 1);
  assert.equal(messages[0]!.body, `{"records":[${lines.join(',')}]}`);
  assert.deepEqual(messages[0]!.source, { file: 'PT1H.json', line: 1 });
  const unpacked = unpackMessages(messages, { maxRecordBytes: 1 << 20 });
  assert.deepEqual(
    unpacked.records.map((record) => record.text),
    lines,
  );
  assert.deepEqual(unpacked.rejected, []);
});

test('a line that is not JSON is a body of its own, so only it is rejected, with its line number', async () => {
  const good = [deviceEvent('d1', 'absent'), deviceEvent('d2', 'absent'), deviceEvent('d3', 'absent')];
  const content = `${good[0]}\r\n\r\n{"time":"2026-07-18T14:08:10Z","category": trunc\r\n${good[1]}\n${good[2]}`;
  const messages = await read(content);
  assert.deepEqual(
    messages.map((message) => message.source.line),
    [1, 3, 4],
  );
  const unpacked = unpackMessages(messages, { maxRecordBytes: 1 << 20 });
  assert.deepEqual(
    unpacked.records.map((record) => record.text),
    good,
  );
  assert.equal(unpacked.rejected.length, 1);
  assert.equal(unpacked.rejected[0]!.reason, 'invalid-json');
  assert.equal(unpacked.rejected[0]!.raw, '{"time":"2026-07-18T14:08:10Z","category": trunc');
  assert.equal(unpacked.rejected[0]!.source.line, 3);
});

test('a line that is not UTF-8 is a body of its own, rejected with its bytes as received', async () => {
  const good = [deviceEvent('d1', 'absent'), deviceEvent('d2', 'absent')];
  // Written as Latin-1 by some tool: "ü" is the one byte 0xfc.
  const notUtf8 = Buffer.from(deviceEvent('d3', 'Grün'), 'latin1');
  const content = Buffer.concat([Buffer.from(`${good[0]}\r\n`), notUtf8, Buffer.from(`\r\n${good[1]}\r\n`)]);
  const messages = await read(content);
  assert.deepEqual(
    messages.map((message) => message.source.line),
    [1, 2, 3],
  );
  const unpacked = unpackMessages(messages, { maxRecordBytes: 1 << 20 });
  assert.deepEqual(
    unpacked.records.map((record) => record.text),
    good,
  );
  assert.deepEqual(
    unpacked.rejected.map((reject) => [reject.reason, reject.detail, reject.source.line]),
    [['invalid-json', 'not valid UTF-8', 2]],
  );
  assert.deepEqual(Buffer.from(unpacked.rejected[0]!.raw, 'base64'), notUtf8);
});

test('a large hour is cut into bodies of bounded size, in order, losing no line', async () => {
  const padding = 'x'.repeat(10_000);
  const lines = Array.from({ length: 120 }, (_, i) =>
    recordText({ table: 'DeviceEvents', properties: `"N":${i},"Pad":"${padding}"` }),
  );
  const messages = await read(lines.join('\r\n'), 64 * 1024);
  assert.ok(messages.length > 1);
  for (const message of messages) assert.ok(Buffer.byteLength(message.body as string) <= EXPORT_BODY_BYTES + 11_000);
  const unpacked = unpackMessages(messages, { maxRecordBytes: 1 << 20 });
  assert.deepEqual(
    unpacked.records.map((record) => record.text),
    lines,
  );
});
