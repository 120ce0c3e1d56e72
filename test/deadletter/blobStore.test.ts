import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { SecretValue } from '../../shared/types/secretValue.js';
import { BlobDeadLetterStore } from '../../shared/deadletter/blobStore.js';
import { developmentConnectionString, startAzurite, type Azurite } from '../support/azurite.js';
import { startSilentServer } from '../support/silentServer.js';
import { storeContract } from './storeContract.js';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.stop());

const newStore = (container: string) =>
  new BlobDeadLetterStore(
    { kind: 'connection-string', value: new SecretValue(azurite.connectionString) },
    container,
    () => assert.fail('a connection string needs no credential'),
  );

storeContract('blob store (Azurite)', (place) => newStore(`contract-${place}`));

test('blob store: one blob per letter, JSON, with the reason and category as metadata; the container is made on first write', async () => {
  const store = newStore('fresh-container');
  const name = await store.write({
    meta: {
      reason: 'oversize-record',
      detail: 'd',
      category: 'AdvancedHunting-DeviceEvents',
      attempts: 0,
      failedAt: '2026-11-23T09:00:00.000Z',
      source: {},
    },
    records: ['{"category":"AdvancedHunting-DeviceEvents"}'],
  });
  const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
    .getContainerClient('fresh-container')
    .getBlobClient(name);
  const properties = await blob.getProperties();
  assert.equal(properties.contentType, 'application/json');
  assert.deepEqual(properties.metadata, { reason: 'oversize-record', category: 'AdvancedHunting-DeviceEvents' });
  assert.equal(properties.leaseState, 'available');
  await store.claim(name, (held) => held.replace(held.content.replace('"attempts":0', '"attempts":1')));
  assert.deepEqual(
    (await blob.getProperties()).metadata,
    { reason: 'oversize-record', category: 'AdvancedHunting-DeviceEvents' },
    'kept on replace',
  );
});

test('blob store: a container deleted while the app runs is made again by the next write', async () => {
  const store = newStore('deleted-container');
  const letter = (detail: string) => ({
    meta: {
      reason: 'oversize-record',
      detail,
      category: 'AdvancedHunting-DeviceEvents',
      attempts: 0,
      failedAt: '2026-11-23T09:00:00.000Z',
      source: {},
    },
    records: ['{"category":"AdvancedHunting-DeviceEvents"}'],
  });
  await store.write(letter('first'));
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'deleted-container',
  );
  await container.delete();
  const name = await store.write(letter('second'));
  assert.ok(await container.getBlobClient(name).exists());
});

test('blob store: a store that takes the connection and never answers fails each call at its time limit', async () => {
  const silent = await startSilentServer();
  try {
    const connection = {
      kind: 'connection-string',
      value: new SecretValue(developmentConnectionString('blob', silent.url)),
    } as const;
    const store = new BlobDeadLetterStore(
      connection,
      'hangs',
      () => assert.fail('a connection string needs no credential'),
      { timeoutMs: 300 },
    );
    const letter = {
      meta: {
        reason: 'oversize-record',
        detail: 'd',
        category: 'AdvancedHunting-DeviceEvents',
        attempts: 0,
        failedAt: '2026-11-23T09:00:00.000Z',
        source: {},
      },
      records: ['{"category":"AdvancedHunting-DeviceEvents"}'],
    };
    await assert.rejects(store.write(letter), /Blob storage did not answer within 300 ms/);
    await assert.rejects(
      store.claim('2026/11/23/x.json', async () => undefined),
      /Blob storage did not answer within 300 ms/,
    );
    await assert.rejects(store.list()[Symbol.asyncIterator]().next(), /Blob storage did not answer within 300 ms/);
    assert.ok(silent.connections > 0, 'the calls reached the store');
  } finally {
    await silent.close();
  }
});
