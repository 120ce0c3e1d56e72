/**
 * The real Application Insights SDK, exporting to an ingestion endpoint on loopback, after a replay from files and
 * one Event Hub invocation, both against a scripted SIEM on loopback that throttles once and refuses one record.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler } from '../../shared/app/eventHubHandler.js';
import { replay, REPLAY_HUB } from '../../cli/replay.js';
import { loadConfig } from '../../shared/config/config.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import { metricNames } from '../../shared/telemetry/metricNames.js';
import type { Telemetry } from '../../shared/telemetry/telemetry.js';
import { startServer, type TestServer } from '../support/httpServer.js';
import {
  keepSdkOnLoopback,
  startIngestion,
  total,
  type NetworkGuard,
  type TestIngestion,
} from '../support/ingestion.js';
import { body, recordText } from '../support/records.js';

const SIEM_SECRET = `siem-secret-${randomUUID()}`;
const INSTRUMENTATION_KEY = randomUUID();
const HUB = 'insights-logs-advancedhunting';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN_ID = 'b7ad6b7169203331';
/** In every record: none of it may reach the exported telemetry. */
const CONTENT_MARKER = `evidence-${randomUUID()}`;
const RECORD_AGE_MS = 10 * 60_000;
const ENQUEUED_AGE_MS = 90_000;
// A CommonJS package whose class export Node cannot name statically.
const { InvocationContext } = azureFunctions;

const DEVICE_INFO = 'AdvancedHunting-DeviceInfo';
const PROCESS_EVENTS = 'AdvancedHunting-DeviceProcessEvents';
const NETWORK_EVENTS = 'AdvancedHunting-DeviceNetworkEvents';
const EMAIL_EVENTS = 'AdvancedHunting-EmailEvents';

let guard: NetworkGuard;
let ingestion: TestIngestion;
let siem: TestServer;
let workDir: string;
let telemetry: Telemetry;
let connectionString: string;
let recordsWrittenAt: number;
let finishedAt: number;
const statuses: number[] = [];
const logLines: { level: string; text: string }[] = [];

function record(table: string, deviceId: string | undefined, properties = ''): string {
  const time = new Date(recordsWrittenAt - RECORD_AGE_MS).toISOString().replace('Z', '0000Z');
  const device = deviceId === undefined ? '' : `"DeviceId":"${deviceId}",`;
  return recordText({ table, time, properties: `${device}"FileName":"${CONTENT_MARKER}"${properties}` });
}

before(async () => {
  guard = await keepSdkOnLoopback();
  ingestion = await startIngestion();
  siem = await startServer((request, index) => {
    const status =
      request.headers.authorization !== `Bearer ${SIEM_SECRET}`
        ? 401
        : index === 0
          ? 429
          : request.body.includes('poison.exe')
            ? 400
            : 200;
    statuses.push(status);
    return { status, ...(status === 429 ? { headers: { 'retry-after': '0' } } : {}) };
  });
  workDir = await mkdtemp(join(tmpdir(), 'dsf-telemetry-'));
  connectionString = `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=${ingestion.url}/`;
  const env = {
    SIEM_URL: `${siem.url}/ingest`,
    SIEM_SECRET,
    DEAD_LETTER_DIR: join(workDir, 'dead-letter'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
    CATEGORIES_EXCLUDE: 'EmailEvents',
  };

  recordsWrittenAt = Date.now();
  const bodies = [
    body([
      record('DeviceInfo', 'dev-1', ',"MachineGroup":"Tier 0"'),
      record('DeviceProcessEvents', 'dev-1', ',"MachineGroup":null'),
      record('DeviceProcessEvents', 'dev-2'),
    ]),
    '{"records":[{"time":',
    body([
      record('DeviceProcessEvents', 'dev-1', ',"ProcessCommandLine":"poison.exe"'),
      record('DeviceNetworkEvents', 'dev-1'),
      record('EmailEvents', undefined),
    ]),
  ];
  await writeFile(join(workDir, 'stream.jsonl'), `${bodies.join('\n')}\n`);
  await replay({ paths: [join(workDir, 'stream.jsonl')], json: false, env, stdout: { write: () => true } as never });

  const config = loadConfig(env, { functionsApp: false });
  telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  const handleEvents = createEventHubHandler(pipeline, { invocationBudgetMs: 30_000, outageHoldMs: 60_000 }, telemetry);
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: 'forward-insights-logs-advancedhunting',
    traceContext: { traceParent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`, traceState: '', attributes: {} },
    triggerMetadata: {
      partitionContext: { eventHubName: HUB, partitionId: '3' },
      sequenceNumberArray: [42],
      offsetArray: ['4200'],
      enqueuedTimeUtcArray: [new Date(Date.now() - ENQUEUED_AGE_MS).toISOString()],
    },
    logHandler: (level, ...args) => logLines.push({ level, text: args.map(String).join(' ') }),
  });
  await handleEvents([body([record('DeviceNetworkEvents', 'dev-3')])], context);
  await close();
  await telemetry.flush();
  finishedAt = Date.now();
});

after(async () => {
  await telemetry.shutdown();
  await siem.close();
  await ingestion.close();
  await rm(workDir, { recursive: true, force: true });
});

const points = (name: string) => ingestion.metricPoints(name);

test('record counts arrive per category and hub, with dead letters and exclusions by reason', () => {
  const replayed = (metric: string, category: string) => total(points(metric), { category, hub: REPLAY_HUB }).value;
  assert.deepEqual(
    [DEVICE_INFO, PROCESS_EVENTS, NETWORK_EVENTS, EMAIL_EVENTS, 'unknown'].map((category) => [
      replayed(metricNames.recordsReceived, category),
      replayed(metricNames.recordsForwarded, category),
    ]),
    [
      [1, 1],
      [3, 2],
      [1, 1],
      [1, 0],
      [1, 0],
    ],
  );
  assert.deepEqual(
    points(metricNames.recordsExcluded).map((point) => point.properties),
    [{ category: EMAIL_EVENTS, hub: REPLAY_HUB, reason: 'category-filter' }],
  );
  assert.equal(total(points(metricNames.recordsExcluded)).value, 1);
  assert.equal(total(points(metricNames.recordsReceived), { category: NETWORK_EVENTS, hub: HUB }).value, 1);
  const deadLettered = points(metricNames.recordsDeadLettered).map((point) => [
    point.properties.category,
    point.properties.reason,
    point.value,
  ]);
  assert.deepEqual(deadLettered.sort(), [
    [PROCESS_EVENTS, 'siem-rejected', 1],
    ['unknown', 'invalid-json', 1],
  ]);
  assert.deepEqual(points(metricNames.recordsPending), []);
});

test('every SIEM request is counted with its outcome, bytes, duration, retries and throttles', () => {
  const sent = points(metricNames.batchesSent);
  const byOutcome = (outcome: string) => total(sent, { outcome }).value;
  assert.equal(total(sent).value, siem.requests.length);
  assert.deepEqual(
    [byOutcome('delivered'), byOutcome('retry'), byOutcome('reject')],
    [statuses.filter((s) => s === 200).length, 1, statuses.filter((s) => s === 400).length],
  );
  const bodyBytes = siem.requests.reduce((sum, request) => sum + Number(request.headers['content-length']), 0);
  assert.equal(total(points(metricNames.bytesSent)).value, bodyBytes);
  assert.equal(total(points(metricNames.siemDuration)).count, siem.requests.length);
  assert.equal(total(points(metricNames.throttles)).value, 1);
  assert.deepEqual(
    points(metricNames.retries).map((point) => [point.properties.reason, point.value]),
    [['HTTP 429', 1]],
  );
});

test('enrichment coverage says where each device record got its MachineGroup', () => {
  const coverage = points(metricNames.enrichment)
    .filter((point) => point.properties.hub === REPLAY_HUB)
    .map((point) => [point.properties.category, point.properties.source, point.value]);
  assert.deepEqual(coverage.sort(), [
    [DEVICE_INFO, 'record', 1],
    [NETWORK_EVENTS, 'stream', 1],
    [PROCESS_EVENTS, 'stream', 2],
    [PROCESS_EVENTS, 'unknown', 1],
  ]);
});

test('lag arrives as distributions: record time per category, enqueued time per hub', () => {
  const recordLag = total(points(metricNames.lagRecord), { category: PROCESS_EVENTS, hub: REPLAY_HUB });
  assert.equal(recordLag.count, 3);
  assert.ok(recordLag.value / recordLag.count >= RECORD_AGE_MS, `mean ${recordLag.value / recordLag.count}`);
  assert.ok(recordLag.max <= finishedAt - recordsWrittenAt + RECORD_AGE_MS, `max ${recordLag.max}`);
  const enqueuedLag = total(points(metricNames.lagEnqueued), { hub: HUB });
  assert.equal(enqueuedLag.count, 1);
  assert.ok(
    enqueuedLag.value >= ENQUEUED_AGE_MS && enqueuedLag.value <= finishedAt - recordsWrittenAt + ENQUEUED_AGE_MS,
  );
  assert.deepEqual(
    points(metricNames.lagEnqueued).map((point) => point.properties),
    [{ hub: HUB }],
  );
});

test("SIEM requests are dependencies, and the invocation's are children of the trace the host passed", () => {
  const dependencies = ingestion.envelopes().filter((envelope) => envelope.data.baseType === 'RemoteDependencyData');
  assert.equal(dependencies.length, siem.requests.length);
  const data = dependencies.map((dependency) => dependency.data.baseData);
  // The path may hold a token (Sumo Logic puts it there): only the origin leaves.
  assert.deepEqual([...new Set(data.map((d) => `${d.type} ${d.name} ${d.data}`))], [`Http POST / ${siem.url}`]);
  assert.ok(!JSON.stringify(ingestion.envelopes()).includes('/ingest'), "the SIEM URL's path was exported");
  assert.deepEqual(data.map((d) => d.resultCode).sort(), statuses.map(String).sort());
  assert.equal(data.find((d) => d.resultCode === '429')?.success, false);
  const invocation = dependencies.filter((dependency) => dependency.tags['ai.operation.id'] === TRACE_ID);
  assert.equal(invocation.length, 1);
  assert.equal(invocation[0]!.tags['ai.operation.parentId'], PARENT_SPAN_ID);
});

test('the invocation logs one line with counts, lag and outcome through its context', () => {
  const lines = logLines.filter((line) => line.text.startsWith('invocation '));
  assert.equal(lines.length, 1);
  assert.deepEqual(
    logLines.map((line) => line.text.replace(/ \{.*$/, '')),
    ['event bodies arrive as text', 'invocation'],
    'a clean first invocation logs the body type and its summary, and no failure lines',
  );
  const fields = JSON.parse(lines[0]!.text.slice('invocation '.length)) as Record<string, unknown>;
  assert.equal(lines[0]!.level, 'information');
  assert.deepEqual([fields.outcome, fields.received, fields.forwarded, fields.deadLettered], ['delivered', 1, 1, 0]);
  assert.ok((fields.lagEnqueuedMaxMs as number) >= ENQUEUED_AGE_MS);
  assert.ok((fields.lagRecordMaxMs as number) >= RECORD_AGE_MS);
});

test('messages are counted by the form their body arrived in', () => {
  assert.deepEqual(
    points(metricNames.messagesReceived).map((point) => [point.properties, point.value]),
    [[{ hub: HUB, body: 'text' }, 1]],
  );
});

test('no secret, no record content, no connection string is exported, and nothing left the machine', () => {
  const exported = ingestion.requests
    .map((request) => `${JSON.stringify(request.headers)}\n${request.body}`)
    .join('\n');
  assert.ok(ingestion.envelopes().length > 0);
  assert.ok(!exported.includes(SIEM_SECRET), 'the SIEM secret was exported');
  assert.ok(!exported.includes(CONTENT_MARKER), 'record content was exported');
  assert.ok(!exported.includes(connectionString), 'the connection string was exported');
  const withoutIKeyField = JSON.stringify(ingestion.envelopes().map(({ iKey, ...rest }) => rest));
  assert.ok(!withoutIKeyField.includes(INSTRUMENTATION_KEY), 'the instrumentation key appears outside the iKey field');
  assert.ok(!logLines.some((line) => line.text.includes(SIEM_SECRET) || line.text.includes(CONTENT_MARKER)));
  assert.deepEqual(guard.blocked, []);
});
