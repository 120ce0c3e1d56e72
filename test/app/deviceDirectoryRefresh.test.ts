/**
 * The directory refresh timer's handler as the functions app builds it, invoked with a constructed
 * InvocationContext: it pages the Defender API on loopback, with a token from the loopback managed identity, into
 * the directory table in Azurite that the Event Hub triggers share.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import azureFunctions from '@azure/functions';
import { ManagedIdentityCredential } from '@azure/identity';
import { startForwarderApp } from '../../shared/app/functionsApp.js';
import { SecretValue } from '../../shared/types/secretValue.js';
import { DeviceTable } from '../../shared/enrich/deviceTable.js';
import { TableDeviceDirectory } from '../../shared/enrich/tableDirectory.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startServer, type TestServer } from '../support/httpServer.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';

const { InvocationContext } = azureFunctions;
const DEFENDER_RESOURCE = 'https://api.securitycenter.microsoft.com';

let azurite: Azurite;
let identity: TestIdentity;
let defender: TestServer;

before(async () => {
  [azurite, identity] = await Promise.all([startAzurite(), startManagedIdentity()]);
  Object.assign(process.env, identity.env);
  defender = await startServer((request) =>
    request.headers.authorization === `Bearer ${identity.tokenFor(DEFENDER_RESOURCE)}`
      ? {
          status: 200,
          body: { value: [{ id: 'machine-1', computerDnsName: 'm1.contoso.local', rbacGroupName: 'Tier0' }] },
        }
      : { status: 401, body: {} },
  );
});
after(async () => {
  await Promise.all([azurite.stop(), identity.close(), defender.close()]);
});

test('a scheduled refresh run fills the directory the triggers share, and logs what it did', async () => {
  const app = startForwarderApp(
    {
      EVENT_HUB_NAMES: 'insights-logs-advancedhunting',
      SIEM_URL: 'https://siem.example.com/in',
      SIEM_AUTH: 'none',
      AzureWebJobsStorage: azurite.connectionString,
      DEVICE_DIRECTORY_TABLE: 'RefreshTimer',
      DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *',
      DEFENDER_API_URL: defender.url,
    },
    { credential: () => new ManagedIdentityCredential() },
  );
  assert.equal(app.directoryRefresh?.schedule, '0 0 */6 * * *');

  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: 'device-directory-refresh',
    logHandler: (_level, ...args) => lines.push(args.join(' ')),
  });
  await app.directoryRefresh!.handler(
    { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } },
    context,
  );

  assert.equal(defender.requests.length, 1);
  assert.match(lines.join('\n'), /device directory refresh \{"pages":1,"machines":1,"learned":1/);
  const connection = { kind: 'connection-string', value: new SecretValue(azurite.connectionString) } as const;
  const noCredential = () => {
    throw new Error('a connection string needs no token');
  };
  const reader = new TableDeviceDirectory(DeviceTable.connect(connection, 'RefreshTimer', noCredential), {
    capacity: 10,
    ttlMs: 60_000,
  });
  assert.equal((await reader.lookup(new Set(['machine-1']))).get('machine-1')?.machineGroup, 'Tier0');
});
