/**
 * One invocation tried twice, seen through the real Application Insights SDK exporting to an ingestion endpoint on
 * loopback: the first try delivers nothing, dead-letters what the SIEM refused and leaves the rest pending; the
 * second delivers the rest. The record counters must still balance, as docs/operations.md's "Is anything being lost?"
 * sums them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler, PendingRecordsError } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import { metricNames } from '../../shared/telemetry/metricNames.js';
import { startServer } from '../support/httpServer.js';
import { keepSdkOnLoopback, startIngestion, total } from '../support/ingestion.js';
import { eventHubContext } from '../support/invocation.js';
import { body, keyedRecord } from '../support/records.js';

test('record counters balance over the tries of a retried invocation, and count each record once', async () => {
  const guard = await keepSdkOnLoopback();
  const ingestion = await startIngestion();
  let healthy = false;
  const siem = await startServer((request) => {
    if (request.body.includes('refused-1')) return { status: 422, body: 'no' };
    return healthy ? { status: 200 } : { status: 503 };
  });
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/ingest`,
      SIEM_AUTH: 'none',
      SIEM_RETRY_SECONDS: '1',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-retried-')),
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}/`,
    },
    { functionsApp: false },
  );
  const telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  const handle = createEventHubHandler(pipeline, { invocationBudgetMs: 2_000, outageHoldMs: 3_600_000 }, telemetry);
  const bodies = [
    body([keyedRecord('refused-1', 'DeviceProcessEvents')]),
    body([keyedRecord('later-1', 'DeviceNetworkEvents')]),
  ];
  try {
    await assert.rejects(handle(bodies, eventHubContext({ messages: 2, retryCount: 0 })), PendingRecordsError);
    healthy = true;
    await handle(bodies, eventHubContext({ messages: 2, retryCount: 1 }));
    await telemetry.flush();
    const sum = (name: string) => total(ingestion.metricPoints(name)).value;
    const counted = {
      received: sum(metricNames.recordsReceived),
      forwarded: sum(metricNames.recordsForwarded),
      deadLettered: sum(metricNames.recordsDeadLettered),
      pending: sum(metricNames.recordsPending),
    };
    // Try 1: both received, one dead-lettered, one pending. Try 2: the pending one received again and forwarded.
    assert.deepEqual(counted, { received: 3, forwarded: 1, deadLettered: 1, pending: 1 });
    assert.deepEqual(guard.blocked, []);
  } finally {
    await close();
    await telemetry.shutdown();
    await Promise.all([siem.close(), ingestion.close()]);
  }
});
