import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { idOf } from '../../shared/pipeline/recordId.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const options = { maxRecordBytes: 1024 * 1024 };
const unpack = (...bodies: string[]) =>
  unpackMessages(
    bodies.map((text, line) => ({ body: text, source: { line } })),
    options,
  );

const tricky = [
  recordText({
    table: 'DeviceNetworkEvents',
    properties:
      '"ReportId":639199803770463703,"Big":12345678901234567890123,"Fraction":0.1000000,"Neg":-0.0e-0,' +
      '"InitiatingProcessFolderPath":"c:\\\\program files\\\\app\\\\a.exe","Cmd":"\\"C:\\\\x.exe\\" /S /D=\\"C:\\\\y\\"",' +
      '"AdditionalFields":"{\\"Sid\\":\\"S-1-5-18\\",\\"Tab\\":\\"\\\\t\\"}","Escapes":"\\u00e9\\ud83d\\ude00\\ud800\\/",' +
      '"Unicode":"jürgen.müller 报表工具 📎","Empty":"","Nested":{"a":[1,{"b":null}],"DeviceId":"not-this-one"},' +
      '"DeviceId":"d1","Timestamp":"2026-07-18T14:55:41.3225710Z","DeviceName":"wks-1","MachineGroup":"Servers"',
  }),
  // Key order as some exports write it, and no MachineGroup at all.
  '{"Tenant":"DefaultTenant","category":"AdvancedHunting-DeviceFileEvents","properties":{"DeviceId":"d2","FileName":"Überweisung.pdf"},"tenantId":"t","time":"2026-07-18T14:00:00Z"}',
  deviceEvent('d3', 'null', 'DeviceEvents'),
  deviceInfo('d4', 'Workstations EU'),
];

test('records come out as the exact text of the message, with exact UTF-8 sizes and SHA-256 ids', () => {
  const message = body(tricky);
  const { records, rejected } = unpack(message);
  assert.deepEqual(rejected, []);
  assert.equal(`{"records":[${records.map((record) => record.text).join(',')}]}`, message);
  for (const record of records) {
    assert.equal(record.bytes, Buffer.byteLength(record.text));
    assert.equal(idOf(record), createHash('sha256').update(record.text).digest('hex').slice(0, 32));
  }
  assert.match(records[0]!.text, /"ReportId":639199803770463703,"Big":12345678901234567890123,"Fraction":0\.1000000,/);
});

test('the fields the pipeline needs are read from the text, whatever the key order', () => {
  const [network, file, event, info] = unpack(body(tricky)).records;
  assert.equal(network!.category, 'AdvancedHunting-DeviceNetworkEvents');
  assert.equal(network!.time, '2026-07-18T14:08:10.0236840Z');
  assert.deepEqual(network!.device, {
    deviceId: 'd1',
    deviceName: 'wks-1',
    timestamp: '2026-07-18T14:55:41.3225710Z',
    machineGroup: { kind: 'value', value: 'Servers' },
  });
  assert.equal(file!.category, 'AdvancedHunting-DeviceFileEvents');
  assert.equal(file!.tenantId, 't');
  assert.equal(file!.time, '2026-07-18T14:00:00Z');
  const absent = file!.device!.machineGroup;
  assert.equal(absent.kind, 'absent');
  assert.equal(
    file!.text.charAt(absent.kind === 'absent' ? absent.insertAt : -1),
    '}',
    'insertAt is the closing brace of properties',
  );
  const nullSlot = event!.device!.machineGroup;
  assert.equal(nullSlot.kind === 'null' && event!.text.slice(nullSlot.start, nullSlot.end), 'null');
  assert.deepEqual(info!.device!.machineGroup, { kind: 'value', value: 'Workstations EU' });
});

test('values that repeat from record to record are read right however they alternate or are written', () => {
  const records = [
    deviceEvent('a', 'G1', 'DeviceProcessEvents'),
    deviceEvent('b', 'G2', 'DeviceNetworkEvents'),
    deviceEvent('c', 'G1', 'DeviceProcessEvents'),
    recordText({ table: 'Device\\u0049nfo', properties: '"DeviceId":"e","MachineGroup":"G\\u0031"' }),
    recordText({ table: 'DeviceInfo', properties: '"DeviceId":"f","MachineGroup":"G1 "' }),
    recordText({ table: 'DeviceInfo', tenantId: 'other-tenant' }),
  ];
  const unpacked = unpack(body(records.slice(0, 3)), body(records.slice(3))).records;
  assert.deepEqual(
    unpacked.map((record) => [record.category, record.tenantId, record.device?.machineGroup]),
    [
      ['AdvancedHunting-DeviceProcessEvents', '4b8c18bd-2f9f-4227-af55-9f1061cf9c32', { kind: 'value', value: 'G1' }],
      ['AdvancedHunting-DeviceNetworkEvents', '4b8c18bd-2f9f-4227-af55-9f1061cf9c32', { kind: 'value', value: 'G2' }],
      ['AdvancedHunting-DeviceProcessEvents', '4b8c18bd-2f9f-4227-af55-9f1061cf9c32', { kind: 'value', value: 'G1' }],
      ['AdvancedHunting-DeviceInfo', '4b8c18bd-2f9f-4227-af55-9f1061cf9c32', { kind: 'value', value: 'G1' }],
      ['AdvancedHunting-DeviceInfo', '4b8c18bd-2f9f-4227-af55-9f1061cf9c32', { kind: 'value', value: 'G1 ' }],
      ['AdvancedHunting-DeviceInfo', 'other-tenant', undefined],
    ],
  );
});

test('a pretty-printed body is forwarded one record a line, strings untouched', () => {
  const record = {
    time: '2026-07-18T14:08:10.0236840Z',
    category: 'AdvancedHunting-DeviceInfo',
    properties: { DeviceId: 'd', Path: 'a  b\\c', MachineGroup: null },
  };
  const { records } = unpack(JSON.stringify({ records: [record] }, null, 2));
  assert.equal(records[0]!.text, JSON.stringify(record));
  assert.equal(records[0]!.bytes, Buffer.byteLength(records[0]!.text));
  const slot = records[0]!.device!.machineGroup;
  assert.equal(slot.kind === 'null' && records[0]!.text.slice(slot.start, slot.end), 'null');
});

test('a broken body is rejected whole; a bad element alone', () => {
  const broken = unpack('{"records":[{"category":"AdvancedHunting-DeviceInfo","x":"a\u0001"}]}');
  assert.deepEqual(broken.records, []);
  assert.equal(broken.rejected[0]!.reason, 'invalid-json');
  const mixed = unpack(body([deviceInfo('d', 'G'), '42', '{"properties":{}}']));
  assert.equal(mixed.records.length, 1);
  assert.deepEqual(
    mixed.rejected.map((reject) => [reject.reason, reject.raw]),
    [
      ['record-not-object', '42'],
      ['missing-category', '{"properties":{}}'],
    ],
  );
  const oversize = unpackMessages([{ body: body([deviceInfo('d', 'G')]), source: {} }], { maxRecordBytes: 100 });
  assert.equal(oversize.rejected[0]!.reason, 'oversize-record');
});
