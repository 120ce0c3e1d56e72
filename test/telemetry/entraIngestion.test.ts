/**
 * Entra ID ingestion, for Application Insights with local authentication disabled: the real SDK gets a token from
 * the managed identity (a loopback identity endpoint) and sends it to an https ingestion endpoint on loopback.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { replay } from '../../cli/replay.js';
import { loadConfig } from '../../shared/config/config.js';
import { SiemReceiver } from '../../cli/receiver/receiver.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import { metricNames } from '../../shared/telemetry/metricNames.js';
import type { Telemetry } from '../../shared/telemetry/telemetry.js';
import { testCertificates } from '../support/certificates.js';
import {
  keepSdkOnLoopback,
  startIngestion,
  total,
  type NetworkGuard,
  type TestIngestion,
} from '../support/ingestion.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { body, deviceEvent } from '../support/records.js';

const CLIENT_ID = randomUUID();

let guard: NetworkGuard;
let identity: TestIdentity;
const token = () => identity.tokenFor('https://monitor.azure.com');
let ingestion: TestIngestion;
let receiver: SiemReceiver;
let telemetry: Telemetry;
let workDir: string;

before(async () => {
  guard = await keepSdkOnLoopback();
  identity = await startManagedIdentity();
  Object.assign(process.env, identity.env);
  const certificates = testCertificates();
  ingestion = await startIngestion({ cert: certificates.serverCert, key: certificates.serverKey });
  receiver = new SiemReceiver();
  const siemUrl = await receiver.start();
  workDir = await mkdtemp(join(tmpdir(), 'dsf-entra-'));
  const env = {
    SIEM_URL: `${siemUrl}/ingest`,
    SIEM_AUTH: 'none',
    DEAD_LETTER_DIR: join(workDir, 'dead-letter'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}/`,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${CLIENT_ID}`,
  };
  telemetry = startTelemetry(loadConfig(env, { functionsApp: false }).telemetry, {
    tlsOptions: { ca: certificates.ca },
  });
  await writeFile(join(workDir, 'stream.json'), body([deviceEvent('dev-1', 'Tier 0'), deviceEvent('dev-2', 'Tier 1')]));
  await replay({ paths: [join(workDir, 'stream.json')], json: false, env, stdout: { write: () => true } as never });
});

after(async () => {
  await telemetry.shutdown();
  await receiver.stop();
  await ingestion.close();
  await identity.close();
  await rm(workDir, { recursive: true, force: true });
});

test('every export carries a token of the configured identity for Azure Monitor, over https', () => {
  assert.ok(ingestion.url.startsWith('https://'));
  assert.ok(ingestion.requests.length > 0);
  assert.ok(ingestion.requests.every((request) => request.headers.authorization === `Bearer ${token()}`));
  assert.deepEqual([identity.issued[0], identity.clientIds[0]], ['https://monitor.azure.com', CLIENT_ID]);
});

test('the metrics arrive, and the token is not in them', () => {
  assert.equal(total(ingestion.metricPoints(metricNames.recordsForwarded)).value, 2);
  assert.ok(!ingestion.requests.some((request) => request.body.includes(token())));
  assert.deepEqual(guard.blocked, []);
});
