/**
 * The exported handler, end to end: an InvocationContext with the trigger metadata the host sends, the secret from
 * a Key Vault over HTTPS through the real SDK, a real HTTP SIEM on loopback, dead letters on Azurite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler, PendingRecordsError } from '../../shared/app/eventHubHandler.js';
import { toEventMessages } from '../../shared/app/triggerMessages.js';
import { startForwarderApp, type ForwarderApp } from '../../shared/app/functionsApp.js';
import { loadConfig } from '../../shared/config/config.js';
import { DeadLetterWriteError } from '../../shared/pipeline/forward.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { storedLetters } from '../support/deadLetters.js';
import { accept, startFaultSiem, type FaultScript } from '../support/faultSiem.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { eventHubContext } from '../support/invocation.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { body, deviceEvent, deviceInfo, keyedRecord, recordText } from '../support/records.js';

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
    request.headers.authorization === `Bearer ${acceptedToken}`
      ? { status: 200, body: { ok: true } }
      : { status: 401, body: { error: 'bad token' } },
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
  body([
    deviceEvent('d1', 'null'),
    deviceEvent('d2', 'absent'),
    recordText({ table: 'EmailEvents', properties: '"Subject":"x"' }),
  ]),
  body([deviceInfo('d1', 'Servers'), deviceInfo('d2', 'Workstations'), deviceEvent('d1', 'null', 'DeviceFileEvents')]),
  body([deviceEvent('d2', 'null'), deviceEvent('d1', 'null'), deviceEvent('d2', 'null'), deviceEvent('d1', 'null')]),
];

test('every record arrives once, in batches of its own category, enriched and authenticated from Key Vault', async () => {
  acceptedToken = 'token-v1';
  await app.handleEvents(messages, invocation(messages.length));

  const arrived = siem.requests.flatMap((request) =>
    ndjsonLines(request).map((line) => JSON.parse(line) as { category: string; properties: Record<string, unknown> }),
  );
  assert.equal(arrived.length, 10);
  for (const request of siem.requests) {
    const categories = new Set(ndjsonLines(request).map((line) => (JSON.parse(line) as { category: string }).category));
    assert.equal(categories.size, 1, 'a batch mixes categories');
    assert.ok(ndjsonLines(request).length <= 3);
    assert.equal(request.headers['content-type'], 'application/x-ndjson');
    assert.match(String(request.headers['idempotency-key']), /^[0-9a-f]{32}$/);
  }
  const groups = arrived
    .filter((record) => record.properties.DeviceId)
    .map((record) => [record.properties.DeviceId, record.properties.MachineGroup]);
  assert.ok(
    groups.every(([device, group]) => group === (device === 'd1' ? 'Servers' : 'Workstations')),
    JSON.stringify(groups),
  );
  assert.ok(
    logs.some((line) => line.includes('"outcome":"delivered"') && line.includes('"forwarded":10')),
    logs.join('\n'),
  );
});

test('401s make the secret be read again once, however many batches were refused; the rotated secret delivers', async () => {
  acceptedToken = 'token-v2';
  vault.secrets.set('siem-token', 'token-v2');
  const readsBefore = vault.reads();
  await app.handleEvents([messages[0]], invocation(1));
  assert.equal(vault.reads() - readsBefore, 1);
  // Two categories, so two batches are refused together and both wait on the one Key Vault read.
  assert.deepEqual(siem.requests.map((request) => request.headers.authorization).sort(), [
    'Bearer token-v1',
    'Bearer token-v1',
    'Bearer token-v2',
    'Bearer token-v2',
  ]);
  assert.ok(
    logs.every((line) => !line.includes('token-v')),
    'a secret reached the log',
  );
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
  assert.equal(
    siem.requests.reduce((sum, request) => sum + ndjsonLines(request).length, 0),
    3,
  );
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('dead-letter');
  const letters: string[] = [];
  for await (const blob of container.listBlobsFlat()) letters.push(blob.name);
  assert.equal(letters.length, 1);
  assert.match(letters[0] ?? '', /-unknown-invalid-json-/);
  const letter = JSON.parse((await container.getBlobClient(letters[0] ?? '').downloadToBuffer()).toString()) as Record<
    string,
    unknown
  >;
  assert.equal(letter.rawBody, '{"records":[{"category":');
  assert.deepEqual(letter.source, {
    hub: 'insights-logs-advancedhunting',
    partition: '3',
    sequenceNumbers: [100],
    enqueuedTime: letter.source && (letter.source as { enqueuedTime: string }).enqueuedTime,
  });
});

test('a record nested thousands deep flows like any other, with the records beside it', async () => {
  acceptedToken = 'token-v2';
  const depth = 10_000;
  const deep = recordText({
    table: 'DeviceEvents',
    properties: `"DeviceId":"d1","AdditionalFields":${'['.repeat(depth)}${']'.repeat(depth)}`,
  });
  await app.handleEvents([body([deep]), messages[0]], invocation(2));
  const lines = siem.requests.flatMap(ndjsonLines);
  assert.equal(lines.length, 4);
  assert.ok(
    lines.some((line) => line.includes('['.repeat(depth))),
    'the deep record did not arrive',
  );
});

// The hold path, on a handler of its own with a clock the test moves and dead letters in a folder.

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function handlerFor(
  script: FaultScript,
  outageHoldMs: number,
  deadLetterDir = mkdtempSync(join(tmpdir(), 'dsf-handler-')),
) {
  const siem = await startFaultSiem(script);
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: deadLetterDir,
      SIEM_RETRY_INITIAL_MS: '5',
      SIEM_RETRY_MAX_MS: '20',
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  closers.push(close, siem.close);
  const clock = { now: 0 };
  // Short, as these SIEMs fail until the deadline, but long enough that every batch is tried once on a loaded machine.
  const handle = createEventHubHandler(pipeline, { invocationBudgetMs: 600, outageHoldMs, now: () => clock.now });
  return { handle, store: pipeline.deadLetters, clock, siem };
}

const holdMessages = [
  body([keyedRecord('a-0'), keyedRecord('poison', 'DeviceEvents'), keyedRecord('a-1')]),
  'not json',
];
const downExceptPoison: FaultScript = (request) =>
  request.body.includes('"poison"') ? { status: 400 } : { status: 503 };

test('not the final attempt: what the SIEM may take later stays pending (the invocation throws); what it refused is dead-lettered', async () => {
  const { handle, store } = await handlerFor(downExceptPoison, 60_000);
  const log: string[] = [];
  await assert.rejects(handle(holdMessages, eventHubContext({ messages: 2 }, log)), PendingRecordsError);
  const reasons = (await storedLetters(store)).map((stored) => stored.letter.reason).sort();
  assert.deepEqual(reasons, ['invalid-json', 'siem-rejected'], 'no letter for the records the SIEM could not take yet');
  assert.ok(
    log.some((line) => /"outcome":"retrying".*"pending":2/.test(line)),
    log.join('\n'),
  );
});

test('the final attempt dead-letters the rest, and the invocation completes', async () => {
  const { handle, store, clock } = await handlerFor(downExceptPoison, 60_000);
  await assert.rejects(handle(holdMessages, eventHubContext({ messages: 2 })), PendingRecordsError);
  clock.now += 60_000;
  await handle(holdMessages, eventHubContext({ messages: 2, retryCount: 1 }));
  const letters = await storedLetters(store);
  assert.deepEqual(letters.map((stored) => stored.letter.reason).sort(), [
    'invalid-json',
    'siem-rejected',
    'siem-unavailable',
  ]);
  const unavailable = letters.find((stored) => stored.letter.reason === 'siem-unavailable')!.letter;
  assert.deepEqual(unavailable.source, {
    hub: 'hub',
    partition: '0',
    sequenceNumbers: [1000],
    enqueuedTime: '2026-11-23T09:00:01.000Z',
  });
  assert.equal(letters.length, 3, 'the retried invocation overwrote the letters of the first, it did not add to them');
});

test('a dead-letter store that cannot be written fails the invocation even on the final attempt', async () => {
  const blocked = join(mkdtempSync(join(tmpdir(), 'dsf-blocked-')), 'file');
  writeFileSync(blocked, '');
  const { handle } = await handlerFor(() => accept, 0, blocked);
  const log: string[] = [];
  await assert.rejects(handle(['not json'], eventHubContext({ messages: 1 }, log)), DeadLetterWriteError);
  assert.ok(log.some((line) => line.startsWith('error: invocation failed; the trigger retries it')));
});

test("trigger metadata becomes each message's source", () => {
  const [first, second] = toEventMessages(
    ['a', 'b'],
    eventHubContext({ messages: 2, hub: 'insights-logs-advancedhunting', partition: '7', firstSequenceNumber: 5 }),
  );
  assert.deepEqual(first!.source, {
    hub: 'insights-logs-advancedhunting',
    partition: '7',
    sequenceNumber: 5,
    offset: '5120',
    enqueuedTime: '2026-11-23T09:00:00.005Z',
  });
  assert.equal(second!.source.sequenceNumber, 6);
  assert.deepEqual(
    toEventMessages('single', eventHubContext({ messages: 0 })).map((message) => message.body),
    ['single'],
  );
});
