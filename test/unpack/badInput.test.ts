import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idOf, recordId } from '../../shared/pipeline/recordId.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, keyedRecord } from '../support/records.js';

const unpack = (text: string, maxRecordBytes = 1 << 20) =>
  unpackMessages([{ body: text, source: { sequenceNumber: 7 } }], { maxRecordBytes });

test('a body that is not JSON is rejected whole, as received', () => {
  const text = '{"records":[{"category":"AdvancedHunting-DeviceEvents"}, tru';
  const { records, rejected } = unpack(text);
  assert.deepEqual(records, []);
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0]!.reason, 'invalid-json');
  assert.equal(rejected[0]!.raw, text);
  assert.doesNotMatch(rejected[0]!.detail, /DeviceEvents/, 'the reason never quotes the content');
});

test('a body that is not UTF-8 is rejected whole, its bytes kept as received in base64; nothing from it flows', () => {
  const record = keyedRecord('a');
  const cases = [
    Buffer.concat([Buffer.from(`{"records":[${record},{"x":"`), Buffer.from([0xff]), Buffer.from('"}]}')]),
    // A UTF-16 surrogate written as UTF-8 (CESU-8), which a decoder would also turn into U+FFFD.
    Buffer.concat([
      Buffer.from(`{"records":[${record.replace('"a"', '"')}`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(`${record.slice(record.indexOf('"a"') + 2)}]}`),
    ]),
  ];
  for (const bytes of cases) {
    const { records, rejected } = unpackMessages([{ body: bytes, source: { sequenceNumber: 7 } }], {
      maxRecordBytes: 1 << 20,
    });
    assert.deepEqual(records, []);
    assert.deepEqual(
      rejected.map((reject) => [reject.reason, reject.detail, reject.rawEncoding, reject.index]),
      [['invalid-json', 'not valid UTF-8', 'base64', undefined]],
    );
    assert.deepEqual(Buffer.from(rejected[0]!.raw, 'base64'), bytes);
  }
});

test('text after the body makes it invalid, even when the object before it has no records', () => {
  assert.equal(unpack('{"value":[]} trailing').rejected[0]!.reason, 'invalid-json');
  assert.equal(unpack(`${body([keyedRecord('a')])}]`).rejected[0]!.reason, 'invalid-json');
  assert.equal(unpack(`${body([keyedRecord('a')])}]`).records.length, 0, 'no record of an invalid body flows');
});

test('a body without a records array is rejected whole', () => {
  for (const text of ['{"value":[{"category":"x"}]}', '{"records":{"category":"x"}}', '"just a string"', '42']) {
    const { rejected } = unpack(text);
    assert.equal(rejected[0]?.reason, 'missing-records', text);
    assert.equal(rejected[0]?.raw, text);
  }
});

test('within a valid body each bad record is rejected alone, as received, and the good ones flow', () => {
  const pretty = '{\n  "time": "2026-11-23T09:00:00Z",\n  "properties": { "RecordKey": "no-category" }\n}';
  const text = body([
    keyedRecord('good-0'),
    '17',
    '[1,2]',
    pretty,
    keyedRecord('big', 'DeviceEvents', 3000),
    keyedRecord('good-1'),
  ]);
  const { records, rejected } = unpack(text, 2000);
  assert.deepEqual(
    records.map((record) => record.index),
    [0, 5],
  );
  assert.deepEqual(
    rejected.map((reject) => [reject.reason, reject.index]),
    [
      ['record-not-object', 1],
      ['record-not-object', 2],
      ['missing-category', 3],
      ['oversize-record', 4],
    ],
  );
  assert.equal(rejected[2]!.raw, pretty, 'a pretty-printed record is kept with its whitespace');
  assert.equal(rejected[3]!.category, 'AdvancedHunting-DeviceEvents');
  assert.match(rejected[3]!.detail, /record 4 is \d+ bytes; the most one request can carry is 2000/);
});

test('ids are a hash of the record as received: the same on every replay, different for other content', () => {
  const text = body([keyedRecord('a'), keyedRecord('b')]);
  const first = unpack(text).records.map(idOf);
  assert.deepEqual(unpack(text).records.map(idOf), first);
  assert.equal(first[0], recordId(keyedRecord('a')));
  assert.notEqual(first[0], first[1]);
  assert.match(first[0]!, /^[0-9a-f]{32}$/);
});

test('ids a body carries (a dead letter) are kept; ids that do not match the records one for one are ignored', () => {
  const ids = ['a'.repeat(32), 'b'.repeat(32)];
  const records = [keyedRecord('a'), keyedRecord('b')];
  const carried = `{"reason":"x","recordIds":${JSON.stringify(ids)},"records":[${records.join(',')}]}`;
  assert.deepEqual(unpack(carried).records.map(idOf), ids);
  const short = `{"recordIds":["${'a'.repeat(32)}"],"records":[${records.join(',')}]}`;
  assert.deepEqual(unpack(short).records.map(idOf), records.map(recordId));
  const notIds = `{"recordIds":["x","y"],"records":[${records.join(',')}]}`;
  assert.deepEqual(unpack(notIds).records.map(idOf), records.map(recordId));
});

test('a body that cannot be read at all is rejected whole as unreadable, with the error, and nothing of it flows', () => {
  const parsed = { records: [JSON.parse(keyedRecord('a')) as unknown], ReportId: 639199803770463703n };
  const { records, rejected } = unpackMessages([{ body: parsed, source: { sequenceNumber: 7 } }], {
    maxRecordBytes: 1 << 20,
  });
  assert.deepEqual(records, []);
  assert.deepEqual(
    rejected.map((reject) => [reject.reason, reject.index, reject.source]),
    [['unreadable', undefined, { sequenceNumber: 7 }]],
  );
  assert.match(rejected[0]!.detail, /^the body could not be read: TypeError: Do not know how to serialize a BigInt/);
  assert.match(
    rejected[0]!.raw,
    /RecordKey: 'a'.*ReportId: 639199803770463703n/,
    'kept as close to what arrived as can be written',
  );
});
