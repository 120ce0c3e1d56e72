/**
 * `check` against the Azure side on loopback: Key Vault through the real SDK and managed identity, Blob and Table
 * storage in Azurite, the Defender machines API. Each failure is named with its fix; a secret never shows.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { testCertificates } from '../support/certificates.js';
import { check, found } from '../support/check.js';
import { startServer } from '../support/httpServer.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { startStorageProxy } from '../support/storageProxy.js';

const TOKEN = 'hec-token-6d0f5c0e-7b6a-4f7e-9a55-3c1f0b9d2e11';
const TENANT = '4b8c18bd-2f9f-4227-af55-9f1061cf9c32';
let identity: TestIdentity;
let vault: TestKeyVault;
let azurite: Azurite;
let siem: { url: string; close(): Promise<void> };

before(async () => {
  identity = await startManagedIdentity();
  Object.assign(process.env, identity.env);
  [vault, azurite, siem] = await Promise.all([
    startKeyVault({ 'siem-token': TOKEN, 'tenant-token': 'tenant-secret-value' }, identity),
    startAzurite(),
    startServer(() => ({ status: 405, body: {} })),
  ]);
});
after(() => Promise.all([vault.close(), azurite.stop(), siem.close(), identity.close()]));

const vaultOptions = () => ({
  keyVaultClientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true },
});

test('Key Vault secrets are read with the identity and shown by length and fingerprint, never by value', async () => {
  const report = await check(
    {
      SIEM_URL: `${siem.url}/ingest`,
      KEY_VAULT_URL: vault.url,
      SIEM_SECRET_NAME: 'siem-token',
      SIEM_ROUTES: JSON.stringify({ [`tenant:${TENANT}`]: { url: `${siem.url}/tenant`, secretName: 'tenant-token' } }),
    },
    vaultOptions(),
  );
  assert.equal(report.exitCode, 0, JSON.stringify(report.results));
  const fingerprint = createHash('sha256').update(TOKEN).digest('hex').slice(0, 8);
  assert.equal(found(report, 'secret').detail, `readable: ${TOKEN.length} character(s), SHA-256 ${fingerprint}…`);
  assert.match(found(report, 'secret', 1).subject, /"tenant-token" \(SIEM_ROUTES secretName\)/);
  assert.match(
    found(report, 'siem-credential', 1).subject,
    /SIEM_ROUTES "tenant:4b8c18bd-2f9f-4227-af55-9f1061cf9c32": Key Vault secret "tenant-token"/,
  );
  assert.equal(found(report, 'identity').status, 'note');
  const output = JSON.stringify(report);
  assert.ok(!output.includes(TOKEN) && !output.includes('tenant-secret-value'), 'no secret value in the report');
});

test('a SIEM with a private CA is trusted through SIEM_CA_CERT, read from Key Vault as delivery reads it', async () => {
  const certificates = testCertificates();
  vault.secrets.set('siem-ca', certificates.ca);
  const https = await startServer(() => ({ status: 405, body: {} }), {
    cert: certificates.serverCert,
    key: certificates.serverKey,
  });
  try {
    const report = await check(
      {
        SIEM_URL: `${https.url}/ingest`,
        KEY_VAULT_URL: vault.url,
        SIEM_SECRET_NAME: 'siem-token',
        SIEM_CA_CERT: 'siem-ca',
      },
      vaultOptions(),
    );
    assert.equal(report.exitCode, 0, JSON.stringify(report.results));
    assert.equal(found(report, 'secret', 1).detail, 'readable: 1 certificate(s) in PEM');
    assert.match(
      found(report, 'siem-endpoint').detail,
      /answered a GET with HTTP 405 over TLS, its certificate trusted/,
    );

    vault.secrets.delete('siem-ca');
    const unread = await check(
      {
        SIEM_URL: `${https.url}/ingest`,
        KEY_VAULT_URL: vault.url,
        SIEM_SECRET_NAME: 'siem-token',
        SIEM_CA_CERT: 'siem-ca',
      },
      vaultOptions(),
    );
    assert.match(found(unread, 'secret', 1).fix ?? '', /correct SIEM_CA_CERT/);
    assert.equal(found(unread, 'siem-endpoint').status, 'skipped');
    assert.match(found(unread, 'siem-endpoint').detail, /not tried: could not read secret "siem-ca"/);
  } finally {
    await https.close();
  }
});

test('a missing secret, a missing role and a wrong vault port are each named with their fix', async () => {
  vault.forbidden.add('tenant-token');
  try {
    const env = {
      SIEM_URL: `${siem.url}/ingest`,
      KEY_VAULT_URL: vault.url,
      SIEM_SECRET_NAME: 'no-such-secret',
      SIEM_ROUTES: JSON.stringify({ [`tenant:${TENANT}`]: { url: `${siem.url}/tenant`, secretName: 'tenant-token' } }),
    };
    const report = await check(env, vaultOptions());
    assert.equal(report.exitCode, 1);
    const missing = found(report, 'secret');
    assert.deepEqual(
      [missing.status, missing.fix],
      ['failed', 'create the secret in the vault, or correct SIEM_SECRET_NAME'],
    );
    assert.match(missing.detail, /not found \(HTTP 404 SecretNotFound/);
    const denied = found(report, 'secret', 1);
    assert.match(denied.detail, /refused \(HTTP 403 Forbidden/);
    assert.match(denied.fix ?? '', /Key Vault Secrets User role on the vault/);
    assert.equal(found(report, 'siem-credential').status, 'skipped');

    const closed = await check({ ...env, KEY_VAULT_URL: 'https://127.0.0.1:1' }, vaultOptions());
    assert.match(found(closed, 'secret').detail, /connection refused/);
    assert.match(found(closed, 'secret').fix ?? '', /check KEY_VAULT_URL/);
  } finally {
    vault.forbidden.delete('tenant-token');
  }
});

test("the app's settings: the dead-letter container and the device table are written and cleaned up in the host storage", async () => {
  const report = await check({
    EVENT_HUB_NAMES: 'insights-logs-advancedhunting',
    AzureWebJobsStorage: azurite.connectionString,
    DEAD_LETTER_CONTAINER: 'check-dead-letters',
    DEVICE_DIRECTORY_TABLE: 'checkdirectory',
    SIEM_URL: `${siem.url}/ingest`,
    SIEM_SECRET: TOKEN,
  });
  assert.equal(report.exitCode, 0, JSON.stringify(report.results));
  assert.match(found(report, 'settings').detail, /valid for the functions app/);
  assert.deepEqual(
    report.results.filter((checked) => checked.kind === 'dead-letter-store').map((checked) => checked.subject),
    ['dead-letter container "check-dead-letters" at the connection string'],
  );
  assert.match(found(report, 'device-directory').detail, /read, wrote and removed a probe row/);
  const blobs = [];
  for await (const blob of BlobServiceClient.fromConnectionString(azurite.connectionString)
    .getContainerClient('check-dead-letters')
    .listBlobsFlat())
    blobs.push(blob.name);
  assert.deepEqual(blobs, []);
  const rows = [];
  for await (const row of TableClient.fromConnectionString(azurite.connectionString, 'checkdirectory', {
    allowInsecureConnection: true,
  }).listEntities())
    rows.push(row);
  assert.deepEqual(rows, []);
});

test('a store that refuses writes and a table that refuses requests are named', async () => {
  const wrongKey = azurite.connectionString.replace(
    /AccountKey=[^;]+/,
    `AccountKey=${Buffer.from('not the key').toString('base64')}`,
  );
  const proxy = await startStorageProxy(azurite, 'table');
  proxy.cut('refuse');
  try {
    const report = await check({
      DEAD_LETTER_STORAGE: wrongKey,
      DEVICE_DIRECTORY: proxy.connectionString,
      SIEM_URL: `${siem.url}/ingest`,
      SIEM_SECRET: TOKEN,
    });
    assert.equal(report.exitCode, 1);
    const store = report.results.find((checked) => checked.subject.startsWith('dead-letter container'));
    assert.equal(store?.status, 'failed');
    assert.match(store?.detail ?? '', /refused \(HTTP 403/);
    assert.match(store?.fix ?? '', /account name and key in the connection string/);
    assert.equal(found(report, 'device-directory').status, 'failed');
    assert.match(found(report, 'device-directory').detail, /refused \(HTTP 403 .*AuthorizationPermissionMismatch/);
  } finally {
    await proxy.server.close();
  }
});

test('the Defender machines API: a token and one page of one machine, or the permission to grant', async () => {
  let allowed = true;
  const api = await startServer((request) => {
    if (request.headers.authorization !== `Bearer ${identity.tokenFor('https://api.securitycenter.microsoft.com')}`)
      return { status: 401, body: {} };
    if (!allowed) return { status: 403, body: { error: { code: 'Forbidden', message: 'missing application roles' } } };
    return { status: 200, body: { value: [{ id: 'm1', rbacGroupName: 'Servers' }] } };
  });
  try {
    const env = {
      DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *',
      DEFENDER_API_URL: api.url,
      SIEM_URL: `${siem.url}/ingest`,
      SIEM_SECRET: TOKEN,
    };
    const report = await check(env);
    assert.match(found(report, 'defender-api').detail, /answered with 1 machine/);
    assert.equal(api.requests[0]?.path, '/api/machines?%24top=1');
    allowed = false;
    const denied = await check(env);
    assert.equal(denied.exitCode, 1);
    assert.match(found(denied, 'defender-api').detail, /answered 403/);
    assert.match(found(denied, 'defender-api').fix ?? '', /Machine\.Read\.All/);
  } finally {
    await api.close();
  }
});

test('the Application Insights connection string: where it points, never its key; a malformed one is a settings error', async () => {
  const key = '0b5b9d4e-7f3a-4c5e-9b1d-2a6c8e4f1a3b';
  const env = { SIEM_URL: `${siem.url}/ingest`, SIEM_SECRET: TOKEN };
  const report = await check({
    ...env,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${key};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
  });
  assert.equal(
    found(report, 'telemetry').detail,
    'well formed: an instrumentation key, sent to https://westeurope-5.in.applicationinsights.azure.com',
  );
  assert.ok(!JSON.stringify(report).includes(key));
  const malformed = await check({
    ...env,
    APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x.example.com',
  });
  assert.equal(malformed.exitCode, 2);
  assert.match(
    found(malformed, 'settings').problems?.[0] ?? '',
    /APPLICATIONINSIGHTS_CONNECTION_STRING must hold InstrumentationKey/,
  );
});
