import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SecretValue } from '../../shared/types/secretValue.js';
import { DirectoryLookupError, type DeviceEntry } from '../../shared/enrich/deviceDirectory.js';
import { DeviceTable, partitionKeyFor } from '../../shared/enrich/deviceTable.js';
import { TableDeviceDirectory } from '../../shared/enrich/tableDirectory.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startServer } from '../support/httpServer.js';
import { requestLog, type RequestLog } from '../support/requestLog.js';
import { startStorageProxy } from '../support/storageProxy.js';

let azurite: Azurite;

before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.stop());

const noCredential = () => {
  throw new Error('a connection string needs no token');
};

/** One instance's view of the directory: its own cache, its own table client, its requests counted. */
function instance(table: string, ttlMs = 600_000): { directory: TableDeviceDirectory; log: RequestLog } {
  const log = requestLog();
  const connection = { kind: 'connection-string', value: new SecretValue(azurite.connectionString) } as const;
  const deviceTable = DeviceTable.connect(connection, table, noCredential, log.clientOptions);
  return { directory: new TableDeviceDirectory(deviceTable, { capacity: 10_000, ttlMs }), log };
}

function freshTable(): string {
  return `devices${randomUUID().replaceAll('-', '')}`.slice(0, 40);
}

function device(deviceId: string, machineGroup: string, timestamp: string): DeviceEntry {
  return { deviceId, machineGroup, deviceName: `host-${deviceId}`, timestamp };
}

function ids(count: number, prefix = 'dev'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}${'a'.repeat(33)}`);
}

const batches = (requests: readonly string[]) =>
  requests.filter((request) => request.startsWith('POST') && request.includes('$batch'));
const queries = (requests: readonly string[]) => requests.filter((request) => request.startsWith('GET'));

test('a device one instance learns is found by another, and by a restarted one', async () => {
  const table = freshTable();
  const first = instance(table);
  await first.directory.learn([device('d1', 'Servers', '2026-07-18T14:05:55.5105130Z')]);

  const second = instance(table);
  const found = await second.directory.lookup(new Set(['d1', 'd2']));
  assert.deepEqual(found.get('d1'), device('d1', 'Servers', '2026-07-18T14:05:55.5105130Z'));
  assert.equal(found.has('d2'), false);

  const restarted = instance(table);
  assert.equal((await restarted.directory.lookup(new Set(['d1']))).get('d1')?.machineGroup, 'Servers');
});

test('an older group never overwrites a newer one, whichever instance writes last', async () => {
  const table = freshTable();
  const seed = instance(table);
  await seed.directory.learn([device('d1', 'Old', '2026-07-18T10:00:00Z')]);
  const fast = instance(table);
  const slow = instance(table);
  // Both instances have read the row (and cached its ETag) before either writes.
  await fast.directory.lookup(new Set(['d1']));
  await slow.directory.lookup(new Set(['d1']));

  await fast.directory.learn([device('d1', 'Newest', '2026-07-18T12:00:00.0000001Z')]);
  slow.log.take();
  await slow.directory.learn([device('d1', 'Older', '2026-07-18T12:00:00Z')]);

  // The slow instance's conditional replace lost (412), it read the row again and saw a newer group.
  assert.equal(batches(slow.log.take()).length, 1);
  const reader = instance(table);
  assert.equal((await reader.directory.lookup(new Set(['d1']))).get('d1')?.machineGroup, 'Newest');

  await slow.directory.learn([device('d1', 'Latest', '2026-07-18T12:00:01Z')]);
  assert.equal((await instance(table).directory.lookup(new Set(['d1']))).get('d1')?.machineGroup, 'Latest');
});

test('instances learning the same devices at once converge on the newest group of each', async () => {
  const table = freshTable();
  const devices = ids(60);
  const early = '2026-07-18T12:00:00.1Z';
  const late = '2026-07-18T12:00:00.12Z';
  const a = instance(table);
  const b = instance(table);
  // Every device is new to both, so both try to create it: one create per partition loses (409) and is re-decided.
  await Promise.all([
    a.directory.learn(devices.map((id, i) => device(id, 'from-a', i % 2 === 0 ? late : early))),
    b.directory.learn(devices.map((id, i) => device(id, 'from-b', i % 2 === 0 ? early : late))),
  ]);

  const found = await instance(table).directory.lookup(new Set(devices));
  const wrong = devices.filter((id, i) => found.get(id)?.machineGroup !== (i % 2 === 0 ? 'from-a' : 'from-b'));
  assert.deepEqual(wrong, []);
});

test('devices already known with the same group cost no write, even to a restarted instance', async () => {
  const table = freshTable();
  const devices = ids(200);
  const partitions = new Set(devices.map(partitionKeyFor)).size;
  const first = instance(table);
  await first.directory.learn(devices.map((id) => device(id, 'Servers', '2026-07-18T12:00:00Z')));
  const firstRequests = first.log.take();
  // 200 new devices: one write per partition (each partition's devices fit one transaction), not one per device.
  assert.equal(batches(firstRequests).length, partitions);

  // The same devices again, in later records: nothing to tell the table.
  await first.directory.learn(devices.map((id) => device(id, 'Servers', '2026-07-18T13:00:00Z')));
  assert.deepEqual(first.log.take(), []);

  // A restarted instance reads what it does not know (batched), and writes nothing.
  const restarted = instance(table);
  await restarted.directory.learn(devices.map((id) => device(id, 'Servers', '2026-07-18T14:00:00Z')));
  const restartRequests = restarted.log.take();
  assert.deepEqual(batches(restartRequests), []);
  assert.ok(
    queries(restartRequests).length <= partitions + Math.ceil(devices.length / 14),
    `${queries(restartRequests).length} queries`,
  );
  assert.ok(queries(restartRequests).length < devices.length / 5);

  // One device changes group: one write.
  await restarted.directory.learn([device(devices[0]!, 'Workstations', '2026-07-18T15:00:00Z')]);
  assert.equal(batches(restarted.log.take()).length, 1);
});

test('a lookup miss costs one wave of batched queries, and is not asked again right away', async () => {
  const table = freshTable();
  const known = instance(table);
  await known.directory.learn([device('known-1', 'Servers', '2026-07-18T12:00:00Z')]);
  const reader = instance(table);
  reader.log.take();
  const wanted = new Set(['known-1', ...ids(99, 'unknown')]);
  const found = await reader.directory.lookup(wanted);
  assert.deepEqual([...found.keys()], ['known-1']);
  const sent = queries(reader.log.take());
  assert.ok(sent.length <= 16 + Math.ceil(wanted.size / 14), `${sent.length} queries for ${wanted.size} devices`);
  assert.ok(sent.every((request) => request.includes("PartitionKey eq '")));

  await reader.directory.lookup(wanted);
  assert.deepEqual(reader.log.take(), []);
});

test('device ids with characters table keys forbid are stored and found', async () => {
  const table = freshTable();
  const awkward = ['a/b', 'c\\d', 'e#f', 'g?h', "i'j", '100%', 'tab\there'];
  await instance(table).directory.learn(awkward.map((id) => device(id, `group of ${id}`, '2026-07-18T12:00:00Z')));
  const found = await instance(table).directory.lookup(new Set(awkward));
  assert.deepEqual(
    awkward.map((id) => found.get(id)?.machineGroup),
    awkward.map((id) => `group of ${id}`),
  );
});

test('many devices at once are read partition by partition, not in thousands of point queries', async () => {
  const table = freshTable();
  const devices = ids(2600, 'bulk');
  await instance(table).directory.learn(devices.map((id) => device(id, 'Servers', '2026-07-18T12:00:00Z')));

  const restarted = instance(table);
  const wanted = new Set([...devices, ...ids(10, 'absent')]);
  const found = await restarted.directory.lookup(wanted);
  assert.equal(found.size, devices.length);
  const sent = queries(restarted.log.take());
  // 16 partitions of ~160 devices: one page each.
  assert.ok(sent.length <= 16, `${sent.length} queries`);
  assert.ok(sent.every((request) => /PartitionKey eq '[0-9a-f]'$/.test(request)));

  // Learning them all again on a cold instance: one scan, no write.
  const cold = instance(table);
  await cold.directory.learn(devices.map((id) => device(id, 'Servers', '2026-07-18T13:00:00Z')));
  const coldRequests = cold.log.take();
  assert.deepEqual(batches(coldRequests), []);
  assert.ok(queries(coldRequests).length <= 16);
});

test('a table that does not answer fails the call at its time limit instead of holding the invocation', async () => {
  const silent = await startServer(() => undefined);
  try {
    const connection = {
      kind: 'connection-string',
      value: new SecretValue(
        azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${silent.url}/devstoreaccount1`),
      ),
    } as const;
    const directory = () =>
      new TableDeviceDirectory(
        DeviceTable.connect(connection, 'hangs', noCredential),
        { capacity: 10, ttlMs: 60_000 },
        { timeoutMs: 300 },
      );
    await assert.rejects(directory().lookup(new Set(['d1'])), /did not answer within 300 ms/);
    await assert.rejects(
      directory().learn([device('d1', 'Servers', '2026-07-18T12:00:00Z')]),
      /did not answer within 300 ms/,
    );
  } finally {
    await silent.close();
  }
});

test('in an outage the cache still answers, and the table is left alone for a while after failing', async () => {
  const proxy = await startStorageProxy(azurite, 'table');
  try {
    const connection = { kind: 'connection-string', value: new SecretValue(proxy.connectionString) } as const;
    // Long enough for the first learn to succeed on a busy machine; the cut-off lookup waits it out.
    const directory = new TableDeviceDirectory(
      DeviceTable.connect(connection, freshTable(), noCredential),
      { capacity: 10, ttlMs: 60_000 },
      { timeoutMs: 2_000 },
    );
    await directory.learn([device('cached', 'Servers', '2026-07-18T12:00:00Z')]);
    proxy.cut('hang');

    const error = await directory.lookup(new Set(['cached', 'never-seen'])).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof DirectoryLookupError);
    assert.match(error.message, /did not answer within 2000 ms/);
    assert.deepEqual([...error.found.keys()], ['cached'], 'what the cache knows still counts');

    const asked = proxy.server.requests.length;
    await assert.rejects(directory.lookup(new Set(['other'])), /failed moments ago; not asked again for \d+ s/);
    await assert.rejects(directory.learn([device('new', 'Servers', '2026-07-18T12:00:00Z')]), /failed moments ago/);
    assert.equal(proxy.server.requests.length, asked, 'no request while paused');
  } finally {
    await proxy.server.close();
  }
});
