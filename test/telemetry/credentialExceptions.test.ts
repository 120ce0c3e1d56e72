/**
 * The app's Azure credential, as it runs in Azure (the Functions host sets WEBSITE_SITE_NAME, a managed identity
 * sets IDENTITY_ENDPOINT), traced by the real Application Insights SDK to an ingestion endpoint on loopback:
 * getting a token records no exception, so the exceptions table shows only real failures.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { azureCredential } from '../../shared/azure/credential.js';
import { loadConfig } from '../../shared/config/config.js';
import { startTelemetry } from '../../shared/telemetry/azureMonitor.js';
import type { Telemetry } from '../../shared/telemetry/telemetry.js';
import { keepSdkOnLoopback, startIngestion, type NetworkGuard, type TestIngestion } from '../support/ingestion.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';

let guard: NetworkGuard;
let ingestion: TestIngestion;
let identity: TestIdentity;
let telemetry: Telemetry;

before(async () => {
  guard = await keepSdkOnLoopback();
  [ingestion, identity] = await Promise.all([startIngestion(), startManagedIdentity()]);
  Object.assign(process.env, identity.env);
  const config = loadConfig(
    {
      SIEM_URL: 'https://siem.example.com/in',
      SIEM_SECRET: 'unused',
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}/`,
    },
    { functionsApp: false },
  );
  telemetry = startTelemetry(config.telemetry);
});
after(async () => {
  await telemetry.shutdown();
  await Promise.all([ingestion.close(), identity.close()]);
});

test('in Azure, the managed identity answers at once and no exception reaches Application Insights', async () => {
  const token = await azureCredential().getToken('https://vault.azure.net/.default');
  await telemetry.flush();

  assert.equal(token?.token, identity.tokenFor('https://vault.azure.net'));
  const exceptions = ingestion.envelopes().filter((envelope) => envelope.data.baseType === 'ExceptionData');
  assert.deepEqual(
    exceptions.map((envelope) => JSON.stringify(envelope.data.baseData).slice(0, 200)),
    [],
  );
  assert.ok(ingestion.envelopes().length > 0, "the credential's spans were exported");
  assert.deepEqual(guard.blocked, []);
});
