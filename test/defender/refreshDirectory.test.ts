import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretValue } from '../../shared/types/secretValue.js';
import { listMachines, MachinesApiError, type MachinesApiOptions } from '../../shared/defender/machinesApi.js';
import { refreshDirectory } from '../../shared/defender/refreshDirectory.js';
import { DeviceTable } from '../../shared/enrich/deviceTable.js';
import { TableDeviceDirectory } from '../../shared/enrich/tableDirectory.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startServer, type Script, type TestServer } from '../support/httpServer.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { startSilentServer } from '../support/silentServer.js';

const DEFENDER_RESOURCE = 'https://api.securitycenter.microsoft.com';

const SCOPE = `${DEFENDER_RESOURCE}/.default`;

let azurite: Azurite;
let identity: TestIdentity;
const servers: TestServer[] = [];

before(async () => {
  [azurite, identity] = await Promise.all([startAzurite(), startManagedIdentity()]);
  Object.assign(process.env, identity.env);
});
after(async () => {
  await Promise.all([azurite.stop(), identity.close(), ...servers.map((server) => server.close())]);
});

async function defenderApi(script: Script): Promise<TestServer> {
  const server = await startServer(script);
  servers.push(server);
  return server;
}

/** The real ManagedIdentityCredential against the loopback identity endpoint; pauses recorded, not sat through. */
function apiOptions(server: TestServer, waits: number[] = []): MachinesApiOptions {
  return {
    apiUrl: new URL(server.url),
    scope: SCOPE,
    credential: new ManagedIdentityCredential(),
    wait: async (ms) => {
      waits.push(ms);
    },
  };
}

function machine(id: string, rbacGroupName: string | null) {
  return {
    id,
    computerDnsName: `${id}.contoso.local`,
    rbacGroupName,
    rbacGroupId: 7,
    healthStatus: 'Active',
    machineTags: [],
  };
}

function tableDirectory(table: string): TableDeviceDirectory {
  const connection = { kind: 'connection-string', value: new SecretValue(azurite.connectionString) } as const;
  const noCredential = () => {
    throw new Error('a connection string needs no token');
  };
  return new TableDeviceDirectory(DeviceTable.connect(connection, table, noCredential), {
    capacity: 1000,
    ttlMs: 600_000,
  });
}

test('pages through @odata.nextLink, waits as a 429 says, and fills the shared directory', async () => {
  const api = await defenderApi((request, index) => {
    if (request.headers.authorization !== `Bearer ${identity.tokenFor(DEFENDER_RESOURCE)}`)
      return { status: 401, body: { error: { code: 'Unauthorized' } } };
    if (index === 0)
      return { status: 429, headers: { 'retry-after': '7' }, body: { error: { code: 'TooManyRequests' } } };
    if (request.path === '/api/machines') {
      return {
        status: 200,
        body: {
          '@odata.context': `${api.url}/api/$metadata#Machines`,
          value: [machine('m1', 'Servers'), machine('m2', null), machine('m3', 'Workstations')],
          '@odata.nextLink': `${api.url}/api/machines?$skiptoken=page2`,
        },
      };
    }
    if (request.path === '/api/machines?$skiptoken=page2' && index === 2) return { status: 503, body: 'busy' };
    if (request.path === '/api/machines?$skiptoken=page2')
      return { status: 200, body: { value: [machine('m4', 'Servers')] } };
    return { status: 404, body: {} };
  });
  const waits: number[] = [];
  const directory = tableDirectory('refreshseed');
  const summary = await refreshDirectory(directory, apiOptions(api, waits), () => new Date('2026-07-18T15:00:00Z'));

  assert.deepEqual(summary, { pages: 2, machines: 4, learned: 3 });
  assert.deepEqual(
    api.requests.map((request) => request.path),
    ['/api/machines', '/api/machines', '/api/machines?$skiptoken=page2', '/api/machines?$skiptoken=page2'],
  );
  assert.equal(waits[0], 7000, 'Retry-After: 7 is honoured');
  assert.equal(waits.length, 2);
  assert.ok(identity.issued.length > 0 && identity.issued.every((resource) => resource === DEFENDER_RESOURCE));

  // Another instance (its own cache) finds what the refresh wrote; a machine without a group is not guessed.
  const found = await tableDirectory('refreshseed').lookup(new Set(['m1', 'm2', 'm3', 'm4']));
  assert.deepEqual([...found.values()].map((entry) => [entry.deviceId, entry.machineGroup, entry.deviceName]).sort(), [
    ['m1', 'Servers', 'm1.contoso.local'],
    ['m3', 'Workstations', 'm3.contoso.local'],
    ['m4', 'Servers', 'm4.contoso.local'],
  ]);
});

test('the refresh wins over older stream knowledge, and a newer stream record wins over the refresh', async () => {
  const api = await defenderApi(() => ({ status: 200, body: { value: [machine('d1', 'Moved-By-Admin')] } }));
  const directory = tableDirectory('refreshorder');
  await directory.learn([{ deviceId: 'd1', machineGroup: 'Old', timestamp: '2026-07-18T14:05:55.5105130Z' }]);
  await refreshDirectory(directory, apiOptions(api), () => new Date('2026-07-18T15:00:00Z'));
  assert.equal(
    (await tableDirectory('refreshorder').lookup(new Set(['d1']))).get('d1')?.machineGroup,
    'Moved-By-Admin',
  );

  await directory.learn([{ deviceId: 'd1', machineGroup: 'Old', timestamp: '2026-07-18T14:59:59.9999999Z' }]);
  assert.equal(
    (await tableDirectory('refreshorder').lookup(new Set(['d1']))).get('d1')?.machineGroup,
    'Moved-By-Admin',
  );
  await directory.learn([{ deviceId: 'd1', machineGroup: 'Newer', timestamp: '2026-07-18T15:00:00.0000001Z' }]);
  assert.equal((await tableDirectory('refreshorder').lookup(new Set(['d1']))).get('d1')?.machineGroup, 'Newer');
});

test('a next link to another host is refused: the token goes to the API only', async () => {
  const elsewhere = await defenderApi(() => ({ status: 200, body: { value: [] } }));
  const api = await defenderApi(() => ({
    status: 200,
    body: { value: [machine('m1', 'Servers')], '@odata.nextLink': `${elsewhere.url}/api/machines?$skiptoken=x` },
  }));
  const pages: unknown[] = [];
  await assert.rejects(async () => {
    for await (const page of listMachines(apiOptions(api))) pages.push(page);
  }, /refusing to follow @odata.nextLink/);
  assert.equal(pages.length, 1);
  assert.equal(elsewhere.requests.length, 0);
});

test('a missing permission fails at once and says which one is needed', async () => {
  const api = await defenderApi(() => ({ status: 403, body: { error: { code: 'Forbidden' } } }));
  const error = await listMachines(apiOptions(api))
    .next()
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  assert.ok(error instanceof MachinesApiError);
  assert.equal(error.status, 403);
  assert.match(error.message, /Machine\.Read\.All/);
  assert.equal(api.requests.length, 1);
});

test('throttling that outlasts the attempts fails the refresh instead of spinning', async () => {
  const api = await defenderApi(() => ({ status: 429, body: {} }));
  const waits: number[] = [];
  await assert.rejects(
    listMachines({ ...apiOptions(api, waits), maxAttempts: 3 }).next(),
    /answered 429 after 3 attempt/,
  );
  assert.equal(api.requests.length, 3);
  assert.equal(waits.length, 2);
});

test('an identity endpoint or an API that never answers fails each attempt at its time limit, and the refresh after the last', async () => {
  const silent = await startSilentServer();
  try {
    const waits: number[] = [];
    const silentApi = {
      ...apiOptions({ url: silent.url, requests: [], close: async () => undefined }, waits),
      timeoutMs: 300,
      maxAttempts: 2,
    };
    await assert.rejects(
      listMachines(silentApi).next(),
      /\/api\/machines: the Defender API did not answer within 300 ms/,
    );
    assert.equal(waits.length, 1, 'one pause between the two attempts');
    const api = await defenderApi(() => ({ status: 200, body: { value: [] } }));
    // @azure/identity does not heed an abort signal while it waits for the identity endpoint. A user-assigned
    // identity of its own, so that no token cached by the tests before serves instead.
    identity.hanging = true;
    const credential = new ManagedIdentityCredential({ clientId: randomUUID() });
    await assert.rejects(
      listMachines({ ...apiOptions(api), credential, timeoutMs: 300, maxAttempts: 1 }).next(),
      /did not answer within 300 ms/,
    );
    assert.equal(api.requests.length, 0);
  } finally {
    identity.hanging = false;
    await silent.close();
  }
});
