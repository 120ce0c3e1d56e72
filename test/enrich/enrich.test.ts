import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrichRecords, learnDevices, withMachineGroup } from '../../shared/enrich/enrich.js';
import { MemoryDeviceDirectory } from '../../shared/enrich/memoryDirectory.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, deviceEvent, deviceInfo } from '../support/records.js';

const unpack = (records: string[]) => unpackMessages([{ body: body(records), source: {} }], { maxRecordBytes: 1 << 20 }).records;

test('the splice keeps every other byte, and the byte count is counted from the parts', () => {
  const [absent, nullGroup] = unpack([deviceEvent('d1', 'absent'), deviceEvent('d2', 'null')]);
  const cases = [
    [absent!, 'Servers', ''],
    [nullGroup!, 'Büro – 报表 📎', ',"MachineGroup":null'],
  ] as const;
  for (const [record, group, before] of cases) {
    const enriched = withMachineGroup(record, group);
    assert.equal(enriched.bytes, Buffer.byteLength(enriched.text));
    assert.equal(enriched.id, record.id, 'the id stays that of the text as received');
    assert.equal(enriched.text.replace(`,"MachineGroup":${JSON.stringify(group)}`, before), record.text);
  }
});

test('the newest group a record states wins, whatever order the records come in', async () => {
  const records = unpack([
    deviceInfo('d1', 'New', '2026-07-18T14:05:55.51Z'),
    deviceInfo('d1', 'Old', '2026-07-18T14:05:55.5Z'),
    deviceInfo('d2', null),
    deviceEvent('d1', 'absent'),
    deviceEvent('d2', 'null'),
  ]);
  const learned = learnDevices(records);
  assert.deepEqual([...learned.keys()], ['d1']);
  assert.equal(learned.get('d1')!.machineGroup, 'New');
  const { records: enriched, coverage } = await enrichRecords(records, new MemoryDeviceDirectory(), {});
  assert.match(enriched[3]!.text, /"MachineGroup":"New"/);
  assert.equal(enriched[4]!.text, records[4]!.text, 'nobody knows d2: left as it came');
  assert.deepEqual(coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 2, alreadySet: 0, fromStream: 1, fromDirectory: 0, defaulted: 0, unknown: 1,
  });
});
