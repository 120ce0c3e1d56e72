/**
 * The exported handler, end to end: an InvocationContext with the trigger metadata the host sends, the secret from
 * a Key Vault over HTTPS through the real SDK, a real HTTP SIEM on loopback, dead letters on Azurite.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { startForwarderApp, type ForwarderApp } from '../../shared/app/functionsApp.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const { InvocationContext } = azureFunctions;
type InvocationContext = InstanceType<typeof InvocationContext>;
let vault: TestKeyVault;
let siem: TestServer;
let azurite: Azurite;
let app: ForwarderApp;
let acceptedToken = 'rotated-never';
const logs: string[] = [];

before(async () => {
  [vault, azurite] = await Promise.all([startKeyVault({ 'siem-token': 'token-v1' }), startAzurite()]);
  Object.assign(process.env, vault.identityEnv);
  siem = await startServer((request) =>
    request.headers.authorization === `Bearer ${acceptedToken}` ? { status: 200, body: { ok: true } } : { status: 401, body: { error: 'bad token' } },
  );
  app = startForwarderApp(
    {
      EVENT_HUB_NAMES: 'insights-logs-advancedhunting',
      SIEM_URL: `${siem.url}/ingest`,
      KEY_VAULT_URL: vault.url,
      SIEM_SECRET_NAME: 'siem-token',
      SIEM_MAX_BATCH_RECORDS: '3',
      DEAD_LETTER_STORAGE: azurite.connectionString,
      DEVICE_DIRECTORY: azurite.connectionString,
    },
    { keyVaultClientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true } },
  );
});
after(async () => {
  await Promise.all([vault.close(), siem.close(), azurite.stop()]);
});
beforeEach(() => {
  siem.requests.length = 0;
  logs.length = 0;
});

function invocation(count: number, retryCount = 0): InvocationContext {
  const now = Date.now();
  return new InvocationContext({
    invocationId: 'test-invocation',
    functionName: 'forward-insights-logs-advancedhunting',
    retryContext: { retryCount, maxRetryCount: -1 },
    triggerMetadata: {
      partitionContext: { eventHubName: 'insights-logs-advancedhunting', partitionId: '3', consumerGroup: '$Default' },
      sequenceNumberArray: Array.from({ length: count }, (_, i) => 100 + i),
      offsetArray: Array.from({ length: count }, (_, i) => String(4096 * i)),
      enqueuedTimeUtcArray: Array.from({ length: count }, () => new Date(now - 5000).toISOString()),
    },
    logHandler: (level, ...args) => logs.push(`${level}: ${args.join(' ')}`),
  });
}

const messages = [
  body([deviceEvent('d1', 'null'), deviceEvent('d2', 'absent'), recordText({ table: 'EmailEvents', properties: '"Subject":"x"' })]),
  body([deviceInfo('d1', 'Servers'), deviceInfo('d2', 'Workstations'), deviceEvent('d1', 'null', 'DeviceFileEvents')]),
  body([deviceEvent('d2', 'null'), deviceEvent('d1', 'null'), deviceEvent('d2', 'null'), deviceEvent('d1', 'null')]),
];

test('every record arrives once, in batches of its own category, enriched and authenticated from Key Vault', async () => {
  acceptedToken = 'token-v1';
  await app.handleEvents(messages, invocation(messages.length));

  const arrived = siem.requests.flatMap((request) => ndjsonLines(request).map((line) => JSON.parse(line) as { category: string; properties: Record<string, unknown> }));
  assert.equal(arrived.length, 10);
  for (const request of siem.requests) {
    const categories = new Set(ndjsonLines(request).map((line) => (JSON.parse(line) as { category: string }).category));
    assert.equal(categories.size, 1, 'a batch mixes categories');
    assert.ok(ndjsonLines(request).length <= 3);
    assert.equal(request.headers['content-type'], 'application/x-ndjson');
    assert.match(String(request.headers['idempotency-key']), /^[0-9a-f]{32}$/);
  }
  const groups = arrived.filter((record) => record.properties.DeviceId).map((record) => [record.properties.DeviceId, record.properties.MachineGroup]);
  assert.ok(groups.every(([device, group]) => group === (device === 'd1' ? 'Servers' : 'Workstations')), JSON.stringify(groups));
  assert.ok(logs.some((line) => line.includes('"outcome":"delivered"') && line.includes('"forwarded":10')), logs.join('\n'));
});

test('401s make the secret be read again once, however many batches were refused; the rotated secret delivers', async () => {
  acceptedToken = 'token-v2';
  vault.secrets.set('siem-token', 'token-v2');
  const readsBefore = vault.reads();
  await app.handleEvents([messages[0]], invocation(1));
  assert.equal(vault.reads() - readsBefore, 1);
  // Two categories, so two batches are refused together and both wait on the one Key Vault read.
  assert.deepEqual(siem.requests.map((request) => request.headers.authorization).sort(), [
    'Bearer token-v1', 'Bearer token-v1', 'Bearer token-v2', 'Bearer token-v2',
  ]);
  assert.ok(logs.every((line) => !line.includes('token-v')), 'a secret reached the log');
});

test('while the SIEM refuses the credential, the invocation throws and writes no dead letter', async () => {
  acceptedToken = 'nobody-has-this';
  await assert.rejects(app.handleEvents([messages[0]], invocation(1)), /could not be delivered yet/);
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('dead-letter');
  const names: string[] = [];
  if (await container.exists()) for await (const blob of container.listBlobsFlat()) names.push(blob.name);
  assert.deepEqual(names, []);
});

test('bad input is dead-lettered to Blob storage and the good records of the same invocation flow', async () => {
  acceptedToken = 'token-v2';
  await app.handleEvents(['{"records":[{"category":', messages[0]], invocation(2));
  assert.equal(siem.requests.reduce((sum, request) => sum + ndjsonLines(request).length, 0), 3);
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('dead-letter');
  const letters: string[] = [];
  for await (const blob of container.listBlobsFlat()) letters.push(blob.name);
  assert.equal(letters.length, 1);
  assert.match(letters[0] ?? '', /-unknown-invalid-json-/);
  const letter = JSON.parse((await container.getBlobClient(letters[0] ?? '').downloadToBuffer()).toString()) as Record<string, unknown>;
  assert.equal(letter.rawBody, '{"records":[{"category":');
  assert.deepEqual(letter.source, { hub: 'insights-logs-advancedhunting', partition: '3', sequenceNumbers: [100], enqueuedTime: letter.source && (letter.source as { enqueuedTime: string }).enqueuedTime });
});
