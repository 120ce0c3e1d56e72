/**
 * A device directory that refuses every call, seen through the real Application Insights SDK exporting to an
 * ingestion endpoint on loopback: the records still arrive, unfilled, and the gap is a metric, not only a log line.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import { metricNames } from '../../shared/telemetry/metricNames.js';
import { developmentConnectionString } from '../support/azurite.js';
import { startServer, type TestServer } from '../support/httpServer.js';
import {
  keepSdkOnLoopback,
  startIngestion,
  total,
  type NetworkGuard,
  type TestIngestion,
} from '../support/ingestion.js';
import { body, deviceEvent, deviceInfo } from '../support/records.js';

const { InvocationContext } = azureFunctions;
const HUB = 'insights-logs-advancedhunting';

let guard: NetworkGuard;
let ingestion: TestIngestion;
let siem: TestServer;
let table: TestServer;
const warnings: string[] = [];

before(async () => {
  guard = await keepSdkOnLoopback();
  ingestion = await startIngestion();
  siem = await startServer(() => ({ status: 200 }));
  table = await startServer(() => ({
    status: 403,
    body: {
      'odata.error': { code: 'AuthorizationPermissionMismatch', message: { lang: 'en-US', value: 'not authorized' } },
    },
  }));
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/ingest`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-dead-')),
      // A table service that refuses every request, as after a revoked role assignment.
      DEVICE_DIRECTORY: developmentConnectionString('table', table.url),
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}/`,
    },
    { functionsApp: false },
  );
  const telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  const handleEvents = createEventHubHandler(pipeline, { invocationBudgetMs: 30_000, outageHoldMs: 60_000 }, telemetry);
  const context = new InvocationContext({
    functionName: 'forward-insights-logs-advancedhunting',
    triggerMetadata: { partitionContext: { eventHubName: HUB, partitionId: '0' } },
    logHandler: (level, ...args) => {
      if (level === 'warning') warnings.push(args.map(String).join(' '));
    },
  });
  await handleEvents([body([deviceInfo('dev-1', 'Servers'), deviceEvent('dev-2', 'null')])], context);
  await close();
  await telemetry.flush();
  await telemetry.shutdown();
});
after(async () => {
  await Promise.all([ingestion.close(), siem.close(), table.close()]);
});

test('failed directory calls are counted by stage, and the records that only the directory could fill count as unknown', () => {
  const failures = ingestion
    .metricPoints(metricNames.directoryFailures)
    .map((point) => [point.properties.hub, point.properties.stage, point.value]);
  assert.deepEqual(failures.sort(), [
    [HUB, 'learn', 1],
    [HUB, 'lookup', 1],
  ]);
  assert.equal(total(ingestion.metricPoints(metricNames.enrichment), { source: 'unknown' }).value, 1);
  assert.equal(total(ingestion.metricPoints(metricNames.recordsForwarded)).value, 2);
  assert.equal(warnings.filter((line) => line.startsWith('device directory unavailable')).length, 2);
  assert.deepEqual(guard.blocked, []);
});
