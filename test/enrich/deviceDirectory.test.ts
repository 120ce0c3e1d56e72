import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTimestamps } from '../../shared/enrich/deviceDirectory.js';
import { MemoryDeviceDirectory } from '../../shared/enrich/memoryDirectory.js';

/** The definition: seconds as written, then the fraction padded to nine digits; anything else as plain text. */
function reference(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const normalize = (value: string) => {
    const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z?$/.exec(value);
    return match ? `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}` : value;
  };
  const left = normalize(a);
  const right = normalize(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

test('Defender timestamps with 0 to 7 fractional digits, with or without Z, order as times', () => {
  assert.equal(compareTimestamps('2026-07-18T14:55:55.5Z', '2026-07-18T14:55:55.51Z'), -1);
  assert.equal(compareTimestamps('2026-07-18T14:55:55.5000000Z', '2026-07-18T14:55:55.5'), 0);
  assert.equal(compareTimestamps('2026-07-18T14:55:56Z', '2026-07-18T14:55:55.9999999Z'), 1);
  assert.equal(compareTimestamps(undefined, '2026-07-18T14:55:55Z'), -1);
  // Not timestamps, but of a timestamp's length and ending in Z like one.
  const lookalikes = [
    '2026-07-18 14:55:55Z',
    '2026-07-18T14:55:5x.1234567Z',
    '2026-07-18T14:55:55.12x4567Z',
    '2026-07-18T14:55:55.5x',
  ];
  const samples: (string | undefined)[] = [undefined, 'garbage', '2026-07-18T14:55:55.12345678901Z', ...lookalikes];
  for (const seconds of ['2026-07-18T14:55:55', '2026-07-18T14:55:56', '2025-12-31T23:59:59']) {
    for (const fraction of ['', '.0', '.5', '.05', '.5000001', '.4999999', '.123456', '.1234567']) {
      for (const zone of ['', 'Z']) samples.push(`${seconds}${fraction}${zone}`);
    }
  }
  for (const a of samples) {
    for (const b of samples) assert.equal(compareTimestamps(a, b), reference(a, b), `${a} vs ${b}`);
  }
});

test('the memory directory keeps the newest group per device, in strings of its own', async () => {
  const message = `{"DeviceId":"dev-1","MachineGroup":"Servers","DeviceName":"host-1","Timestamp":"2026-07-18T14:00:00.1Z"}`;
  const slice = (value: string) => message.slice(message.indexOf(value), message.indexOf(value) + value.length);
  const directory = new MemoryDeviceDirectory(2);
  await directory.learn([
    {
      deviceId: slice('dev-1'),
      machineGroup: slice('Servers'),
      deviceName: slice('host-1'),
      timestamp: slice('2026-07-18T14:00:00.1Z'),
    },
  ]);
  await directory.learn([{ deviceId: 'dev-1', machineGroup: 'Older', timestamp: '2026-07-18T13:00:00Z' }]);
  const found = await directory.lookup(new Set(['dev-1', 'dev-2']));
  assert.deepEqual(
    [...found],
    [
      [
        'dev-1',
        { deviceId: 'dev-1', machineGroup: 'Servers', deviceName: 'host-1', timestamp: '2026-07-18T14:00:00.1Z' },
      ],
    ],
  );
  await directory.learn([
    { deviceId: 'dev-2', machineGroup: 'A' },
    { deviceId: 'dev-3', machineGroup: 'B' },
  ]);
  assert.deepEqual(
    [...(await directory.lookup(new Set(['dev-1', 'dev-2', 'dev-3']))).keys()],
    ['dev-2', 'dev-3'],
    'capacity evicts the oldest',
  );
});
