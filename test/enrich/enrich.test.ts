import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTimestamps } from '../../shared/enrich/deviceDirectory.js';
import { enrichRecords, learnDevices, withMachineGroup } from '../../shared/enrich/enrich.js';
import { MemoryDeviceDirectory } from '../../shared/enrich/memoryDirectory.js';
import { idOf } from '../../shared/pipeline/recordId.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const unpack = (records: string[]) =>
  unpackMessages([{ body: body(records), source: {} }], { maxRecordBytes: 1 << 20 }).records;
const groupOf = (text: string) =>
  (JSON.parse(text) as { properties: { MachineGroup?: unknown } }).properties.MachineGroup;

test('a DeviceInfo row later in the same invocation enriches earlier rows, null or absent', async () => {
  const records = unpack([deviceEvent('d1', 'null'), deviceEvent('d1', 'absent'), deviceInfo('d1', 'Servers')]);
  const { records: enriched, coverage } = await enrichRecords(records, new MemoryDeviceDirectory(), {});
  assert.deepEqual(
    enriched.map((record) => groupOf(record.text)),
    ['Servers', 'Servers', 'Servers'],
  );
  assert.deepEqual(coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 2,
    alreadySet: 0,
    fromStream: 2,
    fromDirectory: 0,
    defaulted: 0,
    unknown: 0,
  });
});

test('enrichment splices the value in and leaves every other byte alone', async () => {
  const original = deviceEvent('d1', 'null');
  const [enriched] = (
    await enrichRecords(unpack([original, deviceInfo('d1', 'Grüppe "1"')]), new MemoryDeviceDirectory(), {})
  ).records;
  assert.equal(enriched?.text, original.replace('"MachineGroup":null', '"MachineGroup":"Grüppe \\"1\\""'));
  assert.equal(enriched?.bytes, Buffer.byteLength(enriched?.text ?? ''));
  const absent = deviceEvent('d1', 'absent');
  const [inserted] = (await enrichRecords(unpack([absent, deviceInfo('d1', 'G')]), new MemoryDeviceDirectory(), {}))
    .records;
  assert.equal(inserted?.text, absent.replace('"FileName":"a.exe"}', '"FileName":"a.exe","MachineGroup":"G"}'));
});

test('a property object with only DeviceId gets the group without a stray comma', async () => {
  const minimal = recordText({ table: 'AlertEvidence', properties: '"DeviceId":"d9"' });
  const [enriched] = (await enrichRecords(unpack([minimal, deviceInfo('d9', 'G')]), new MemoryDeviceDirectory(), {}))
    .records;
  assert.deepEqual(JSON.parse(enriched?.text ?? '').properties, { DeviceId: 'd9', MachineGroup: 'G' });
});

test('a non-null MachineGroup is never overwritten', async () => {
  const records = unpack([deviceEvent('d1', 'Original'), deviceInfo('d1', 'Servers')]);
  const { records: enriched } = await enrichRecords(records, new MemoryDeviceDirectory(), {});
  assert.equal(groupOf(enriched[0]?.text ?? ''), 'Original');
});

test('records without DeviceId pass unchanged', async () => {
  const email = recordText({ table: 'EmailEvents', properties: '"Subject":"hi","MachineGroup":null' });
  const [same] = (await enrichRecords(unpack([email, deviceInfo('d1', 'S')]), new MemoryDeviceDirectory(), {})).records;
  assert.equal(same?.text, email);
});

test('the newest Timestamp wins when the stream says two things', async () => {
  const records = unpack([
    deviceInfo('d1', 'New', '2026-07-18T14:05:55.51Z'),
    deviceInfo('d1', 'Old', '2026-07-18T14:05:55.5Z'),
    deviceEvent('d1', 'null'),
  ]);
  const { records: enriched } = await enrichRecords(records, new MemoryDeviceDirectory(), {});
  assert.equal(groupOf(enriched[2]?.text ?? ''), 'New');
});

test('what one invocation learned enriches the next; unknown devices get the default only when set', async () => {
  const directory = new MemoryDeviceDirectory();
  await enrichRecords(unpack([deviceInfo('d1', 'Servers')]), directory, {});
  const later = unpack([deviceEvent('d1', 'null'), deviceEvent('d2', 'null')]);
  const kept = await enrichRecords(later, directory, {});
  assert.deepEqual(
    kept.records.map((record) => groupOf(record.text)),
    ['Servers', null],
  );
  assert.equal(kept.coverage.get('AdvancedHunting-DeviceProcessEvents')?.unknown, 1);
  const defaulted = await enrichRecords(later, directory, { defaultGroup: 'Unassigned' });
  assert.deepEqual(
    defaulted.records.map((record) => groupOf(record.text)),
    ['Servers', 'Unassigned'],
  );
  assert.equal(defaulted.coverage.get('AdvancedHunting-DeviceProcessEvents')?.fromDirectory, 1);
});

test('timestamps with different fraction lengths compare by time', () => {
  assert.equal(compareTimestamps('2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.4999999Z'), 1);
  assert.equal(compareTimestamps('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.0000001Z'), -1);
  assert.equal(compareTimestamps(undefined, '2026-01-01T00:00:00Z'), -1);
});

test('a group outside ASCII is spliced with its byte count counted from the parts, and the id stays the received one', () => {
  const [absent, nullGroup] = unpack([deviceEvent('d1', 'absent'), deviceEvent('d2', 'null')]);
  for (const record of [absent!, nullGroup!]) {
    const enriched = withMachineGroup(record, 'Büro – 报表 📎');
    assert.equal(enriched.bytes, Buffer.byteLength(enriched.text));
    assert.equal(idOf(enriched), idOf(record));
    assert.equal(groupOf(enriched.text), 'Büro – 报表 📎');
  }
});

test('what is learned reaches the directory as plain values, the newest per device', () => {
  const learned = learnDevices(
    unpack([
      deviceInfo('d1', 'Old', '2026-07-18T14:05:55.5Z'),
      deviceInfo('d1', 'New', '2026-07-18T14:05:55.51Z'),
      deviceInfo('d2', null),
    ]),
  );
  assert.deepEqual(
    [...learned],
    [['d1', { deviceId: 'd1', machineGroup: 'New', deviceName: 'host-d1', timestamp: '2026-07-18T14:05:55.51Z' }]],
  );
});
