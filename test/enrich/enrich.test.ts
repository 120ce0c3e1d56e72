import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrichRecords } from '../../shared/enrich/enrich.js';
import { MemoryDeviceDirectory } from '../../shared/enrich/memoryDirectory.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

function records(texts: readonly string[]) {
  return unpackMessages([{ body: body(texts), source: {} }], { maxRecordBytes: 1 << 20 }).records;
}

const groupOf = (text: string) => (JSON.parse(text) as { properties: { MachineGroup?: unknown } }).properties.MachineGroup;

test('fills from the stream, including from a DeviceInfo later in the same invocation, and never overwrites', async () => {
  // The DeviceInfo is the newest statement about dev-1, yet the record that carries its own group keeps it.
  const input = records([
    deviceEvent('dev-1', 'null'),
    deviceEvent('dev-1', 'Pinned'),
    deviceInfo('dev-1', 'Servers', '2026-07-18T15:00:00.0000000Z'),
    deviceEvent('dev-1', 'absent', 'DeviceNetworkEvents'),
  ]);
  const { records: out, coverage } = await enrichRecords(input, new MemoryDeviceDirectory(), {});
  assert.deepEqual(out.map((record) => groupOf(record.text)), ['Servers', 'Pinned', 'Servers', 'Servers']);
  assert.deepEqual(coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 2, alreadySet: 1, fromStream: 1, fromDirectory: 0, defaulted: 0, unknown: 0,
  });
});

test('what one invocation learns, the next finds in the directory; unknown devices get the default only when set', async () => {
  const directory = new MemoryDeviceDirectory();
  await enrichRecords(records([deviceInfo('dev-1', 'Servers')]), directory, {});

  const later = records([deviceEvent('dev-1', 'null'), deviceEvent('dev-2', 'null')]);
  const plain = await enrichRecords(later, directory, {});
  assert.deepEqual(plain.records.map((record) => groupOf(record.text)), ['Servers', null]);
  assert.equal(plain.coverage.get('AdvancedHunting-DeviceProcessEvents')?.unknown, 1);

  const defaulted = await enrichRecords(later, directory, { defaultGroup: 'Unassigned' });
  assert.deepEqual(defaulted.records.map((record) => groupOf(record.text)), ['Servers', 'Unassigned']);
  assert.deepEqual(defaulted.coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 2, alreadySet: 0, fromStream: 0, fromDirectory: 1, defaulted: 1, unknown: 0,
  });
});

test('records without a DeviceId pass untouched and are not counted', async () => {
  const email = recordText({ table: 'EmailEvents', properties: '"NetworkMessageId":"n1","MachineGroup":null' });
  const alertWithoutDevice = recordText({ table: 'AlertEvidence', properties: '"EntityType":"Ip","DeviceId":null,"MachineGroup":null' });
  const input = records([email, alertWithoutDevice]);
  const { records: out, coverage } = await enrichRecords(input, new MemoryDeviceDirectory(), { defaultGroup: 'Unassigned' });
  assert.deepEqual(out.map((record) => record.text), [email, alertWithoutDevice]);
  assert.equal(coverage.size, 0);
});
