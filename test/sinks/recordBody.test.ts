import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withMachineGroup } from '../../shared/enrich/enrich.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import { jsonArrayFormat } from '../../shared/sinks/jsonArray.js';
import { ndjsonFormat } from '../../shared/sinks/webhook/ndjson.js';
import { recordBody } from '../../shared/sinks/recordBody.js';

function record(text: string): ForwardRecord {
  return { text, bytes: Buffer.byteLength(text), received: text, category: 'c', source: {}, index: 0 };
}

// A message holding one character beyond Latin-1 is stored two bytes a character, and so are its ASCII slices.
const twoByteMessage = '{"a":"plain ascii record"} {"b":"报表"}';
const texts = [
  '{"ascii":639199803770463703}',
  '{"latin1":"Microsoft® Windows® jürgen"}',
  '{"cjk":"报表工具.exe","emoji":"📎 Invoice"}',
  twoByteMessage.slice(0, 26),
  '{"escaped":"C:\\\\x \\"q\\" \\u00e9"}',
];

test('ndjson and json bodies are the record texts in UTF-8, byte for byte, one buffer each', () => {
  const records = texts.map(record);
  assert.deepEqual(ndjsonFormat.encode(records), Buffer.from(`${texts.join('\n')}\n`));
  assert.deepEqual(jsonArrayFormat.encode(records), Buffer.from(`[${texts.join(',')}]`));
  assert.deepEqual(jsonArrayFormat.encode([]), Buffer.from('[]'));
  assert.equal(ndjsonFormat.encode([]).length, 0);
  const expected = records.reduce((sum, r) => sum + ndjsonFormat.recordBytes(r), ndjsonFormat.frameBytes);
  assert.equal(ndjsonFormat.encode(records).length, expected, 'the batcher counts what the encoder writes');
});

test('a record whose byte count is wrong stops the encoder instead of sending a cut or shifted body', () => {
  const cjk = record('{"cjk":"报表"}');
  for (const bytes of [cjk.bytes - 1, cjk.bytes + 1]) {
    assert.throws(
      () => ndjsonFormat.encode([{ ...cjk, bytes }, record('{"next":1}')]),
      /encodes to \d+ bytes, not the \d+ counted/,
    );
    assert.throws(() => jsonArrayFormat.encode([record('{"first":1}'), { ...cjk, bytes }]), /not the \d+ counted/);
  }
});

test('an envelope around each record is written in UTF-8 with it, and counted', () => {
  const records = texts.map(record);
  const around = (r: ForwardRecord) => ({
    before: `{"host":"wks-ü-${r.bytes}","event":`,
    after: ',"fields":{"g":"报表"}}',
  });
  const body = recordBody(records, { open: '', between: '\n', close: '', around });
  assert.deepEqual(body, Buffer.from(records.map((r) => `${around(r).before}${r.text}${around(r).after}`).join('\n')));
});

test('a record enrichment spliced into is written from its pieces, and from its text once the text is rewritten', () => {
  const received = '{"properties":{"DeviceId":"d","Name":"jürgen"}}';
  const enriched = withMachineGroup(
    {
      ...record(received),
      device: { deviceId: 'd', machineGroup: { kind: 'absent', insertAt: received.length - 2, firstMember: false } },
    },
    'Tier0 ®',
  );
  const expectedText = '{"properties":{"DeviceId":"d","Name":"jürgen","MachineGroup":"Tier0 ®"}}';
  assert.equal(enriched.text, expectedText);
  assert.deepEqual(enriched.pieces?.parts.join(''), expectedText);
  assert.deepEqual(ndjsonFormat.encode([enriched]), Buffer.from(`${expectedText}\n`));
  const rewritten = '{"properties":{"shaped":true}}';
  assert.deepEqual(
    ndjsonFormat.encode([{ ...enriched, text: rewritten, bytes: rewritten.length }]),
    Buffer.from(`${rewritten}\n`),
    'stale pieces are not written',
  );
});

test('a record read from bytes is copied from them while its text is as received, and written from its text after', () => {
  const received = '{"properties":{"DeviceId":"d","Name":"jürgen 报表"}}';
  const fromBytes = { ...record(received), utf8: { of: received, bytes: Buffer.from(received) } };
  assert.deepEqual(ndjsonFormat.encode([fromBytes, record('{"next":1}')]), Buffer.from(`${received}\n{"next":1}\n`));
  const enriched = withMachineGroup(
    {
      ...fromBytes,
      device: { deviceId: 'd', machineGroup: { kind: 'absent', insertAt: received.length - 2, firstMember: false } },
    },
    'G',
  );
  assert.equal(enriched.utf8?.of, received, 'the view came along with the rest of the record');
  assert.deepEqual(ndjsonFormat.encode([enriched]), Buffer.from(`${enriched.text}\n`), 'stale bytes are not written');
  const rewritten = '{"properties":{"shaped":true}}';
  assert.deepEqual(
    ndjsonFormat.encode([{ ...fromBytes, text: rewritten, bytes: rewritten.length }]),
    Buffer.from(`${rewritten}\n`),
  );
});
