/**
 * The refresh timer as the worker sees it: functions/deviceDirectoryRefresh.ts registers through
 * @azure/functions-core (provided here as the worker provides it), and the registered handler, invoked with a
 * constructed InvocationContext, pages the Defender API on loopback into the directory table in Azurite.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import functions, { type Timer } from '@azure/functions';
import { SecretValue } from '../../shared/config/secretValue.js';
import { DeviceTable } from '../../shared/enrich/deviceTable.js';
import { TableDeviceDirectory } from '../../shared/enrich/tableDirectory.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startServer, type TestServer } from '../support/httpServer.js';
import { startIdentityEndpoint, type TestIdentity } from '../support/managedIdentity.js';

// A webpack bundle: its classes are reachable through the default export only.
const { InvocationContext } = functions;

interface Registration {
  readonly metadata: { name: string; bindings: Record<string, { type: string; schedule?: string }> };
  readonly handler: (timer: Timer, context: InstanceType<typeof InvocationContext>) => Promise<void>;
}

const registrations: Registration[] = [];
const Module = createRequire(import.meta.url)('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = Module._load;
Module._load = function (request: string, ...rest: unknown[]) {
  if (request !== '@azure/functions-core') return load.call(this, request, ...rest);
  return {
    setProgrammingModel: () => undefined,
    registerFunction: (metadata: Registration['metadata'], handler: Registration['handler']) => {
      registrations.push({ metadata, handler });
      return { dispose: () => undefined };
    },
  };
};

let azurite: Azurite;
let identity: TestIdentity;
let defender: TestServer;

before(async () => {
  [azurite, identity] = await Promise.all([startAzurite(), startIdentityEndpoint()]);
  defender = await startServer((request) =>
    request.headers.authorization === `Bearer ${identity.token}`
      ? { status: 200, body: { value: [{ id: 'machine-1', computerDnsName: 'm1.contoso.local', rbacGroupName: 'Tier0' }] } }
      : { status: 401, body: {} },
  );
  Object.assign(process.env, identity.env, {
    EVENT_HUB_NAMES: 'insights-logs-advancedhunting',
    SIEM_URL: 'https://siem.example.com/in',
    SIEM_AUTH: 'none',
    AzureWebJobsStorage: azurite.connectionString,
    DEVICE_DIRECTORY_TABLE: 'RefreshTimer',
    DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *',
    DEFENDER_API_URL: defender.url,
  });
});
after(async () => {
  Module._load = load;
  await Promise.all([azurite.stop(), identity.close(), defender.close()]);
});

test('registers the timer with its schedule, and a run fills the shared directory', async () => {
  await import('../../functions/deviceDirectoryRefresh.js');
  assert.equal(registrations.length, 1);
  const [registration] = registrations;
  assert.equal(registration!.metadata.name, 'device-directory-refresh');
  const trigger = Object.values(registration!.metadata.bindings).find((binding) => binding.type === 'timerTrigger');
  assert.equal(trigger?.schedule, '0 0 */6 * * *');

  const lines: string[] = [];
  const context = new InvocationContext({ functionName: 'device-directory-refresh', logHandler: (_level, ...args) => lines.push(args.join(' ')) });
  await registration!.handler({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, context);

  assert.equal(defender.requests.length, 1);
  assert.match(lines.join('\n'), /device directory refresh \{"pages":1,"machines":1,"learned":1/);
  const connection = { kind: 'connection-string', value: new SecretValue(azurite.connectionString) } as const;
  const noCredential = () => {
    throw new Error('a connection string needs no token');
  };
  const reader = new TableDeviceDirectory(DeviceTable.connect(connection, 'RefreshTimer', noCredential), { capacity: 10, ttlMs: 60_000 });
  assert.equal((await reader.lookup(new Set(['machine-1']))).get('machine-1')?.machineGroup, 'Tier0');
});
