import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idOf } from '../../shared/pipeline/recordId.js';
import { unpackMessage, unpackMessages, type Unpacked } from '../../shared/unpack/unpack.js';
import type { EventMessage } from '../../shared/types/records.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const options = { maxRecordBytes: 1024 * 1024 };
const message = (payload: unknown): EventMessage => ({
  body: payload,
  source: { hub: 'hub', partition: '0', sequenceNumber: 7 },
});
const unpackOne = (payload: unknown, opts = options): Unpacked => unpackMessages([message(payload)], opts);

test('a body as a string, a Buffer or a bare array gives the same records, byte for byte', () => {
  const records = [deviceInfo('d1', 'Servers'), deviceEvent('d1', 'null')];
  const text = body(records);
  for (const payload of [text, Buffer.from(text), `[${records.join(',')}]`, `\ufeff${text}`]) {
    const unpacked = unpackOne(payload);
    assert.deepEqual(unpacked.rejected, []);
    assert.deepEqual(
      unpacked.records.map((record) => record.text),
      records,
    );
  }
});

test('bytes are read as the text they encode: ASCII, Latin-1 and wider characters, with or without a byte-order mark', () => {
  const texts = [
    body([deviceInfo('d1', 'Servers'), deviceEvent('d1', 'null')]),
    body([deviceInfo('d1', 'Équipe à Zürich'), deviceEvent('d1', 'null')]),
    body([deviceInfo('d1', '東京 ✓ 😀'), deviceEvent('d1', 'Ñ'), deviceInfo('d2', 'plain')]),
  ];
  for (const text of texts) {
    const expected = unpackOne(text).records.map((record) => [record.text, record.bytes, record.device?.machineGroup]);
    assert.deepEqual(
      expected.map(([text, bytes]) => Buffer.byteLength(text as string) === bytes),
      expected.map(() => true),
    );
    const bytes = Buffer.from(text);
    // A view into a larger buffer, as a Uint8Array and not a Buffer.
    const framed = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 2, bytes.length);
    for (const payload of [bytes, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), view]) {
      const unpacked = unpackOne(payload);
      assert.deepEqual(unpacked.rejected, []);
      assert.deepEqual(
        unpacked.records.map((record) => [record.text, record.bytes, record.device?.machineGroup]),
        expected,
      );
    }
  }
});

test('records from bytes keep their UTF-8 as received, found past whatever precedes them in the body', () => {
  const records = [
    deviceInfo('d1', 'Équipe ✓'),
    deviceEvent('d1', 'null'),
    deviceInfo('d2', '😀'),
    deviceEvent('d2', 'Ñ'),
  ];
  const pretty = JSON.stringify(JSON.parse(deviceEvent('d3', 'Grün')), null, 1);
  // A member before the records, a rejected element and a pretty-printed record between them, all non-ASCII.
  const text = `{"note":"voilà ✓","records":[${records[0]}, "élément ✗" ,${records[1]},${pretty},${records[2]},\n${records[3]}]}`;
  for (const payload of [Buffer.from(text), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
    const unpacked = unpackOne(payload);
    assert.deepEqual(
      unpacked.rejected.map((reject) => reject.reason),
      ['record-not-object'],
    );
    const views = unpacked.records.map(
      (record) => record.utf8 && [record.utf8.of === record.text, record.utf8.bytes.toString('hex')],
    );
    const expected = (record: string) => [true, Buffer.from(record).toString('hex')];
    assert.deepEqual(views, [
      expected(records[0]!),
      expected(records[1]!),
      undefined,
      expected(records[2]!),
      expected(records[3]!),
    ]);
  }
  assert.deepEqual(
    unpackOne(text).records.map((record) => record.utf8),
    [undefined, undefined, undefined, undefined, undefined],
  );
});

test('an already-parsed body (the host parsed it) still unpacks', () => {
  const unpacked = unpackOne({ records: [{ category: 'AdvancedHunting-DeviceInfo', properties: { DeviceId: 'x' } }] });
  assert.equal(unpacked.records.length, 1);
  assert.equal(unpacked.records[0]?.category, 'AdvancedHunting-DeviceInfo');
});

test('19-digit integers, 7-digit fractions, escapes, unicode and key order are kept exactly', () => {
  const record =
    '{"time":"2026-07-18T14:08:10.0236840Z","category":"AdvancedHunting-DeviceInfo","tenantId":"t",' +
    '"properties":{"ReportId":639199803770463703,"Big":-1.50e+400,"Path":"C:\\\\Windows\\\\\\"q\\"","Uni":"\\u00e9\u00e9\ud83d\ude00",' +
    '"LoggedOnUsers":"[{\\"UserName\\":\\"rob\\"}]","Z":1,"A":2,"DeviceId":"d","MachineGroup":"g"},"_TimeReceivedBySvc":"2026-07-18T14:06:17.0463703"}';
  const [unpacked] = unpackOne(body([record])).records;
  assert.equal(unpacked?.text, record);
  assert.equal(unpacked?.time, '2026-07-18T14:08:10.0236840Z');
  assert.equal(unpacked?.bytes, Buffer.byteLength(record));
  assert.deepEqual(unpacked?.device?.machineGroup, { kind: 'value', value: 'g' });
});

test('fields the pipeline needs are read from the text, including where MachineGroup sits', () => {
  const [info, absent, nulled, noDevice] = unpackOne(
    body([
      deviceInfo('d1', 'Servers'),
      deviceEvent('d2', 'absent'),
      deviceEvent('d3', 'null'),
      recordText({ table: 'EmailEvents', properties: '"Subject":"x"' }),
    ]),
  ).records;
  assert.equal(info?.device?.deviceId, 'd1');
  assert.equal(info?.device?.timestamp, '2026-07-18T14:05:55.510513Z');
  assert.equal(absent?.device?.machineGroup.kind, 'absent');
  assert.equal(nulled?.device?.machineGroup.kind, 'null');
  assert.equal(noDevice?.device, undefined);
  assert.equal(noDevice?.category, 'AdvancedHunting-EmailEvents');
  assert.equal(info?.tenantId, '4b8c18bd-2f9f-4227-af55-9f1061cf9c32');
});

test('ids are deterministic and differ between records', () => {
  const text = body([deviceInfo('d1', 'A'), deviceInfo('d2', 'A')]);
  const first = unpackOne(text).records.map(idOf);
  const again = unpackOne(text).records.map(idOf);
  assert.deepEqual(first, again);
  assert.notEqual(first[0], first[1]);
  assert.match(first[0] ?? '', /^[0-9a-f]{32}$/);
});

test('a body that is not JSON is rejected whole and keeps its raw text; nothing from it flows', () => {
  const broken = `{"records":[${deviceInfo('d1', 'A')},{"category":"x", oops}]}`;
  const unpacked = unpackOne(broken);
  assert.equal(unpacked.records.length, 0);
  assert.equal(unpacked.rejected.length, 1);
  assert.equal(unpacked.rejected[0]?.reason, 'invalid-json');
  assert.equal(unpacked.rejected[0]?.raw, broken);
});

test('an invalid body says the line and column where it breaks, counted in its file when it came from one', () => {
  const broken = '{"records":[\n  {"a":1},\n  oops\n]}';
  assert.equal(unpackOne(broken).rejected[0]?.detail, 'invalid JSON at line 3, column 3: unexpected character');
  const fromLine = unpackMessages([{ body: '{"records":[1,}', source: { file: 'x.jsonl', line: 12 } }], options);
  assert.equal(fromLine.rejected[0]?.detail, 'invalid JSON at line 12, column 15: unexpected character');
});

test('bodies of the wrong shape are rejected with a reason', () => {
  assert.equal(unpackOne('{"value":[]}').rejected[0]?.reason, 'missing-records');
  assert.equal(unpackOne('"just a string"').rejected[0]?.reason, 'missing-records');
  assert.equal(unpackOne('{"records":[1]} trailing').rejected[0]?.reason, 'invalid-json');
  assert.equal(unpackOne('{"records":["a\u0001b"]}').rejected[0]?.reason, 'invalid-json');
});

test('a body naming records twice is rejected whole as ambiguous: JSON readers see only the last, and nothing is dropped unseen', () => {
  const [a, b] = [deviceInfo('d1', 'A'), deviceInfo('d2', 'B')];
  for (const text of [
    `{"records":[${a}],"records":[${b}]}`,
    `{"records":[${a}],"records":"x"}`,
    `{"records":null,"recordIds":[],"records":[${a}]}`,
  ]) {
    const unpacked = unpackOne(text);
    assert.equal(unpacked.records.length, 0, text);
    assert.equal(unpacked.rejected.length, 1, text);
    assert.equal(unpacked.rejected[0]?.reason, 'ambiguous-records', text);
    assert.match(unpacked.rejected[0]!.detail, /"records" 2 times/);
    assert.equal(unpacked.rejected[0]?.raw, text);
  }
  assert.equal(
    unpackOne(`{"rec\\u006frds":[${a}],"records":[${b}]}`).rejected[0]?.reason,
    'ambiguous-records',
    'a name written with an escape counts',
  );
});

test('within a valid body, bad records are rejected alone and the good ones flow', () => {
  const good = deviceInfo('d1', 'A');
  const unpacked = unpackOne(body([good, '42', '{"properties":{}}', good]), { maxRecordBytes: 10_000 });
  assert.deepEqual(
    unpacked.records.map((record) => record.index),
    [0, 3],
  );
  assert.deepEqual(
    unpacked.rejected.map((reject) => [reject.reason, reject.raw]),
    [
      ['record-not-object', '42'],
      ['missing-category', '{"properties":{}}'],
    ],
  );
});

test('a record too large for any request is rejected as oversize', () => {
  const big = recordText({ table: 'DeviceEvents', properties: `"AdditionalFields":"${'x'.repeat(2000)}"` });
  const unpacked = unpackOne(body([big, deviceInfo('d', 'g')]), { maxRecordBytes: 1000 });
  assert.equal(unpacked.records.length, 1);
  assert.equal(unpacked.rejected[0]?.reason, 'oversize-record');
  assert.equal(unpacked.rejected[0]?.category, 'AdvancedHunting-DeviceEvents');
});

test('a pretty-printed body is compacted to one line per record, strings untouched', () => {
  const pretty =
    '{\n  "records": [\n    {\n      "category": "AdvancedHunting-DeviceInfo",\n      "properties": { "A": "x  y", "ReportId": 639199803770463703, "DeviceId": "d", "MachineGroup": null }\n    }\n  ]\n}';
  const [record] = unpackOne(pretty).records;
  assert.equal(
    record?.text,
    '{"category":"AdvancedHunting-DeviceInfo","properties":{"A":"x  y","ReportId":639199803770463703,"DeviceId":"d","MachineGroup":null}}',
  );
  assert.equal(record?.device?.machineGroup.kind, 'null');
});

test('a pretty-printed record with a string of megabytes is compacted with the string intact', () => {
  const long = `C:\\\\Temp\\\\${'a'.repeat(10_000_000)}\\"x\\" \\n`;
  const pretty = `{"records":[\n  {\n    "category" : "AdvancedHunting-DeviceEvents",\n    "properties" : { "Blob" : "${long}" }\n  }\n]}`;
  const unpacked = unpackMessages([message(pretty)], { maxRecordBytes: 32_000_000 });
  assert.equal(
    unpacked.records[0]?.text,
    `{"category":"AdvancedHunting-DeviceEvents","properties":{"Blob":"${long}"}}`,
  );
});

test('member names written with escapes are read as what they decode to', () => {
  const record = '{"cat\\u0065gory":"AdvancedHunting-DeviceEvents","properties":{"DeviceId":"d","MachineGroup":null}}';
  const unpacked = unpackOne(`{"rec\\u006frds":[${record}]}`);
  assert.deepEqual(unpacked.rejected, []);
  assert.equal(unpacked.records[0]?.category, 'AdvancedHunting-DeviceEvents');
  assert.equal(unpacked.records[0]?.text, record);
});

test('rejects from one message do not stop the next message', () => {
  const into: Unpacked = { records: [], rejected: [] };
  unpackMessage(message('nope'), options, into);
  unpackMessage(message(body([deviceInfo('d', 'g')])), options, into);
  assert.equal(into.rejected.length, 1);
  assert.equal(into.records.length, 1);
  assert.equal(into.records[0]?.source.sequenceNumber, 7);
});
