/**
 * With no connection string nothing is set up: the OpenTelemetry API stays a no-op. The handler still logs its
 * invocation line (counts, lag, outcome) and one line per failure through the invocation context.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { createNoopMeter, metrics, propagation } from '@opentelemetry/api';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import { startServer, type TestServer } from '../support/httpServer.js';
import { body, deviceEvent } from '../support/records.js';

const { InvocationContext } = azureFunctions;
const CONTENT_MARKER = `evidence-${randomUUID()}`;

let siem: TestServer;
let workDir: string;
const logLines: { level: string; text: string }[] = [];

before(async () => {
  siem = await startServer((request) =>
    request.body.includes(CONTENT_MARKER) ? { status: 400, body: { error: 'no' } } : { status: 200 },
  );
  workDir = await mkdtemp(join(tmpdir(), 'dsf-telemetry-off-'));
  const config = loadConfig(
    { SIEM_URL: `${siem.url}/ingest`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: workDir },
    { functionsApp: false },
  );
  const telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  const handleEvents = createEventHubHandler(pipeline, { invocationBudgetMs: 30_000, outageHoldMs: 0 }, telemetry);
  const refused = deviceEvent('dev-2', 'absent').replace('"FileName":"a.exe"', `"FileName":"${CONTENT_MARKER}"`);
  await handleEvents(
    [body([deviceEvent('dev-1', 'Tier 0'), refused])],
    new InvocationContext({
      triggerMetadata: {
        partitionContext: { eventHubName: 'hub-a' },
        enqueuedTimeUtcArray: [new Date(Date.now() - 5_000).toISOString()],
      },
      logHandler: (level, ...args) => logLines.push({ level, text: args.map(String).join(' ') }),
    }),
  );
  await close();
  await telemetry.flush();
});

after(async () => {
  await siem.close();
  await rm(workDir, { recursive: true, force: true });
});

test('nothing is set up: meters are no-ops and no trace propagator is registered', () => {
  assert.equal(metrics.getMeter('any').constructor, createNoopMeter().constructor);
  assert.deepEqual(propagation.fields(), []);
});

test('the invocation still logs counts, lag and outcome, and one line per failure, never record content', () => {
  const [bodies, invocation, failure, ...rest] = logLines;
  assert.equal(rest.length, 0);
  assert.match(bodies!.text, /^event bodies arrive as text /);
  assert.equal(invocation?.level, 'information');
  const fields = JSON.parse(invocation!.text.replace(/^invocation /, '')) as Record<string, unknown>;
  assert.deepEqual(
    [fields.outcome, fields.received, fields.forwarded, fields.deadLettered],
    ['dead-lettered', 2, 1, 1],
  );
  assert.ok((fields.lagEnqueuedMaxMs as number) >= 5_000);
  assert.equal(typeof fields.lagRecordMaxMs, 'number');
  assert.equal(failure?.level, 'error');
  const failed = JSON.parse(failure!.text.replace(/^delivery failure /, '')) as Record<string, unknown>;
  assert.deepEqual(
    [failed.category, failed.status, failed.reason, failed.records, failed.disposition],
    ['AdvancedHunting-DeviceProcessEvents', 400, 'siem-rejected', 1, 'dead-lettered'],
  );
  assert.ok(!logLines.some((line) => line.text.includes(CONTENT_MARKER)));
});
