/**
 * The device directory as the functions app uses it: pipelines built by createPipeline from settings, sharing one
 * table in Azurite, forwarding to a SIEM on loopback. Each pipeline stands for one instance (its own cache).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { logSummary } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { partitionKeyFor } from '../../shared/enrich/deviceTable.js';
import type { Logger } from '../../shared/log/logger.js';
import { forward } from '../../shared/pipeline/forward.js';
import type { ForwardSummary } from '../../shared/types/summary.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';
import { requestLog, type RequestLog } from '../support/requestLog.js';
import { startStorageProxy } from '../support/storageProxy.js';

let azurite: Azurite;
let siem: TestServer;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  [azurite, siem] = await Promise.all([startAzurite(), startServer(() => ({ status: 200, body: {} }))]);
});
after(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all([azurite.stop(), siem.close()]);
});

interface Instance {
  forward(records: readonly string[]): Promise<ForwardSummary>;
  readonly log: RequestLog;
}

function instance(settings: Record<string, string>): Instance {
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/ingest`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-dead-')),
      DEVICE_DIRECTORY: azurite.connectionString,
      ...settings,
    },
    { functionsApp: false },
  );
  const log = requestLog();
  const { pipeline, close } = createPipeline(config, {
    deadLetters: 'folder',
    directoryClientOptions: log.clientOptions,
  });
  closers.push(close);
  return {
    log,
    forward: (records) =>
      forward(pipeline, [{ body: body(records), source: {} }], { deadline: Date.now() + 30_000, finalAttempt: true }),
  };
}

/** Records the SIEM received since `from`, parsed (only to read them in the test). */
function receivedSince(from: number): { text: string; properties: Record<string, unknown> }[] {
  return siem.requests.slice(from).flatMap((request) =>
    ndjsonLines(request).map((text) => ({
      text,
      properties: (JSON.parse(text) as { properties: Record<string, unknown> }).properties,
    })),
  );
}

/** The group a device event forwarded by `through` reaches the SIEM with. */
async function groupReceived(through: Instance, deviceId: string): Promise<unknown> {
  const from = siem.requests.length;
  await through.forward([deviceEvent(deviceId, 'null')]);
  return receivedSince(from)[0]?.properties.MachineGroup;
}

function alertEvidence(deviceId: string): string {
  return recordText({
    table: 'AlertEvidence',
    properties: `"Timestamp":"2026-07-18T15:01:02.1234567Z","AlertId":"da6391998037704637","EntityType":"Machine","DeviceId":"${deviceId}","MachineGroup":null,"AdditionalFields":"{\\"HostName\\":\\"h\\"}"`,
  });
}

test('two instances share one directory: one learns from DeviceInfo, the other enriches from it, and a restart keeps it', async () => {
  const table = { DEVICE_DIRECTORY_TABLE: 'sharedTwoInstances' };
  const learner = instance(table);
  const enricher = instance(table);

  await learner.forward([deviceInfo('dev-1', 'Servers')]);

  const from = siem.requests.length;
  const events = [
    deviceEvent('dev-1', 'null'),
    deviceEvent('dev-1', 'absent'),
    alertEvidence('dev-1'),
    deviceEvent('dev-2', 'null'),
  ];
  const summary = await enricher.forward(events);
  assert.equal(summary.forwarded, 4);
  assert.deepEqual(summary.enrichProblems, []);
  assert.deepEqual(summary.coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 3,
    alreadySet: 0,
    fromStream: 0,
    fromDirectory: 2,
    defaulted: 0,
    unknown: 1,
  });
  assert.equal(summary.coverage.get('AdvancedHunting-AlertEvidence')?.fromDirectory, 1);

  const received = receivedSince(from);
  const byText = new Map(received.map((record) => [record.text, record]));
  // Byte for byte apart from the filled-in group: the null is replaced, the absent member appended.
  assert.ok(byText.has(events[0]!.replace('"MachineGroup":null', '"MachineGroup":"Servers"')));
  assert.ok(byText.has(events[1]!.replace('"FileName":"a.exe"}', '"FileName":"a.exe","MachineGroup":"Servers"}')));
  assert.ok(byText.has(events[2]!.replace('"MachineGroup":null', '"MachineGroup":"Servers"')));
  assert.ok(byText.has(events[3]!), 'an unknown device stays as it came');

  assert.equal(await groupReceived(instance(table), 'dev-1'), 'Servers', 'a restarted instance still knows');
});

test('a newer DeviceInfo seen by another instance wins; an older one does not', async () => {
  const table = { DEVICE_DIRECTORY_TABLE: 'sharedNewestWins' };
  const a = instance(table);
  const b = instance(table);
  await a.forward([deviceInfo('dev-9', 'Old', '2026-07-18T10:00:00.5Z')]);
  await b.forward([deviceInfo('dev-9', 'New', '2026-07-18T10:00:00.51Z')]);
  await a.forward([deviceInfo('dev-9', 'Stale', '2026-07-18T10:00:00.509999Z')]);

  assert.equal(await groupReceived(instance(table), 'dev-9'), 'New');
});

test('known devices cost no per-record request: writes once per partition, then nothing', async () => {
  const table = { DEVICE_DIRECTORY_TABLE: 'sharedRequestCount' };
  const devices = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(3, '0')}${'f'.repeat(36)}`);
  const partitions = new Set(devices.map(partitionKeyFor)).size;
  const learner = instance(table);
  const batchesSent = (requests: string[]) => requests.filter((request) => request.includes('$batch')).length;

  await learner.forward(devices.map((id) => deviceInfo(id, 'Servers')));
  assert.equal(batchesSent(learner.log.take()), partitions);
  for (let round = 0; round < 3; round++) {
    await learner.forward(devices.map((id) => deviceInfo(id, 'Servers', `2026-07-18T1${round + 5}:00:00Z`)));
  }
  assert.deepEqual(learner.log.take(), [], 'the same groups again: no request at all');

  const enricher = instance(table);
  const events = devices.flatMap((id) => [deviceEvent(id, 'null'), deviceEvent(id, 'absent', 'DeviceFileEvents')]);
  const first = await enricher.forward(events);
  assert.equal(first.coverage.get('AdvancedHunting-DeviceProcessEvents')?.fromDirectory, devices.length);
  const lookups = enricher.log.take().filter((request) => request.startsWith('GET'));
  assert.ok(
    lookups.length <= partitions + Math.ceil(devices.length / 14),
    `${lookups.length} queries for ${events.length} records`,
  );
  await enricher.forward(events);
  assert.deepEqual(enricher.log.take(), [], 'cached: no request for the next invocation');
});

test('an unreachable directory: records still go out, unfilled, counted unknown and logged; no default is guessed', async () => {
  const refusing = await startServer(() => ({
    status: 403,
    body: {
      'odata.error': {
        code: 'AuthorizationFailure',
        message: { lang: 'en-US', value: 'This request is not authorized.' },
      },
    },
  }));
  closers.push(() => refusing.close());
  const broken = instance({
    DEVICE_DIRECTORY: azurite.connectionString.replace(
      /TableEndpoint=[^;]+/,
      `TableEndpoint=${refusing.url}/devstoreaccount1`,
    ),
    MACHINE_GROUP_DEFAULT: 'Unassigned',
  });

  const from = siem.requests.length;
  const summary = await broken.forward([
    deviceInfo('dev-s', 'Servers'),
    deviceEvent('dev-s', 'null'),
    deviceEvent('dev-u', 'null'),
  ]);
  assert.equal(summary.forwarded, 3);
  assert.equal(summary.coverage.get('AdvancedHunting-DeviceProcessEvents')?.fromStream, 1);
  assert.equal(summary.coverage.get('AdvancedHunting-DeviceProcessEvents')?.unknown, 1);
  assert.equal(summary.coverage.get('AdvancedHunting-DeviceProcessEvents')?.defaulted, 0);
  // DeviceInfo and the events travel in separate batches, sent at once: their arrival order is not fixed.
  const groups = receivedSince(from).map(
    (record) => `${String(record.properties.DeviceId)} ${String(record.properties.MachineGroup)}`,
  );
  assert.deepEqual(groups.sort(), ['dev-s Servers', 'dev-s Servers', 'dev-u null']);
  assert.deepEqual(summary.enrichProblems.map((problem) => problem.stage).sort(), ['learn', 'lookup']);

  const warnings: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
  logSummary(logger, summary, { durationMs: 1 });
  assert.equal(warnings.filter((message) => message.startsWith('device directory unavailable')).length, 2);
});

test('when the directory stops answering, what the instance cached still fills records; the rest stay unknown', async () => {
  const proxy = await startStorageProxy(azurite, 'table');
  closers.push(() => proxy.server.close());
  const settings = {
    DEVICE_DIRECTORY: proxy.connectionString,
    DEVICE_DIRECTORY_TABLE: 'sharedOutage',
    MACHINE_GROUP_DEFAULT: 'Unassigned',
  };
  const seeder = instance({ ...settings, DEVICE_DIRECTORY: azurite.connectionString });
  await seeder.forward([deviceInfo('dev-cached', 'Servers'), deviceInfo('dev-uncached', 'Workstations')]);
  const survivor = instance(settings);
  assert.equal(await groupReceived(survivor, 'dev-cached'), 'Servers');

  proxy.cut('refuse');
  const from = siem.requests.length;
  const summary = await survivor.forward([deviceEvent('dev-cached', 'null'), deviceEvent('dev-uncached', 'null')]);
  const groups = receivedSince(from).map((record) => [record.properties.DeviceId, record.properties.MachineGroup]);
  assert.deepEqual(groups, [
    ['dev-cached', 'Servers'],
    ['dev-uncached', null],
  ]);
  assert.deepEqual(summary.coverage.get('AdvancedHunting-DeviceProcessEvents'), {
    withDevice: 2,
    alreadySet: 0,
    fromStream: 0,
    fromDirectory: 1,
    defaulted: 0,
    unknown: 1,
  });
  assert.match(summary.enrichProblems[0]?.detail ?? '', /not authorized/);
});
