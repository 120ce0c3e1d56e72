import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { authHeaders } from '../../shared/auth/authHeaders.js';
import { entraTokenReader } from '../../shared/secrets/entraToken.js';
import { SecretValue } from '../../shared/types/secretValue.js';
import { SecretUnavailableError } from '../../shared/secrets/secretReader.js';
import { testCertificates } from '../support/certificates.js';
import { startForwarder } from '../support/forwarder.js';
import { ndjsonLines, startServer, type RecordedRequest, type Reply } from '../support/httpServer.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { body, deviceEvent, recordText } from '../support/records.js';

let identity: TestIdentity;
let vault: TestKeyVault;

before(async () => {
  identity = await startManagedIdentity();
  Object.assign(process.env, identity.env);
  const certificates = testCertificates();
  vault = await startKeyVault(
    {
      'siem-token': 'token-v1',
      'siem-client': `${certificates.clientKey}\n${certificates.clientCert}`,
      'siem-ca': certificates.ca,
      'not-a-certificate': certificates.clientCert,
    },
    identity,
  );
});
after(async () => {
  await vault.close();
  await identity.close();
});

const secret = new SecretValue('s3cret');

test('each SIEM_AUTH mode presents the secret its way', () => {
  assert.deepEqual(authHeaders({ mode: 'bearer' }, secret), { authorization: 'Bearer s3cret' });
  assert.deepEqual(authHeaders({ mode: 'entra', scope: 'x' }, secret), { authorization: 'Bearer s3cret' });
  assert.deepEqual(authHeaders({ mode: 'splunk' }, secret), { authorization: 'Splunk s3cret' });
  assert.deepEqual(authHeaders({ mode: 'apikey' }, secret), { authorization: 'ApiKey s3cret' });
  assert.deepEqual(authHeaders({ mode: 'basic' }, new SecretValue('elastic:pa:ss')), {
    authorization: `Basic ${Buffer.from('elastic:pa:ss').toString('base64')}`,
  });
  assert.deepEqual(authHeaders({ mode: 'header', header: 'DD-API-KEY' }, secret), { 'dd-api-key': 's3cret' });
  assert.deepEqual(authHeaders({ mode: 'mtls' }, secret), {});
  assert.deepEqual(authHeaders({ mode: 'none' }, undefined), {});
});

/** A SIEM that takes requests whose `check` passes, 401 otherwise. */
function siem(check: (request: RecordedRequest) => boolean) {
  return startServer(
    (request): Reply => (check(request) ? { status: 200 } : { status: 401, body: { error: 'unauthorized' } }),
  );
}

const vaultEnv = () => ({ KEY_VAULT_URL: vault.url, SECRET_CACHE_MINUTES: '60' });
const manyTables = () =>
  body(
    [
      'DeviceProcessEvents',
      'DeviceFileEvents',
      'DeviceNetworkEvents',
      'DeviceRegistryEvents',
      'DeviceLogonEvents',
      'DeviceEvents',
    ].map((table) => deviceEvent('d1', 'G', table)),
  );

test('a rotated secret is read again once, however many requests the SIEM refuses together', async () => {
  let current = 'token-v1';
  const server = await siem((request) => request.headers.authorization === `Bearer ${current}`);
  const forwarder = startForwarder({ SIEM_URL: server.url, SIEM_SECRET_NAME: 'siem-token', ...vaultEnv() }, vault);
  try {
    assert.equal((await forwarder.run([manyTables()])).forwarded, 6);
    const readsBefore = vault.reads();
    vault.secrets.set('siem-token', 'token-v2');
    current = 'token-v2';
    const summary = await forwarder.run([manyTables()]);
    assert.equal(summary.forwarded, 6);
    assert.equal(vault.reads() - readsBefore, 1);
    assert.ok(forwarder.attempts.filter((attempt) => attempt.outcome === 'unauthorized').length >= 2);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('header auth sends the secret in the named header (a generic webhook such as Datadog)', async () => {
  const server = await siem(
    (request) => request.headers['dd-api-key'] === 'token-v2' && request.headers.authorization === undefined,
  );
  const forwarder = startForwarder({
    SIEM_URL: server.url,
    SIEM_AUTH: 'header',
    SIEM_AUTH_HEADER: 'DD-API-KEY',
    SIEM_SECRET: 'token-v2',
  });
  try {
    assert.equal((await forwarder.run([manyTables()])).forwarded, 6);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('a secret that cannot travel in a header is refused by name before any request, in every mode that sends it as it is', async () => {
  vault.secrets.set('two-lines', 'first-half\r\nsecond-half');
  vault.secrets.set('beyond-latin1', 'first-half\u2013second-half');
  const server = await siem(() => true);
  try {
    for (const [auth, name] of [
      ['bearer', 'two-lines'],
      ['apikey', 'beyond-latin1'],
      ['header', 'two-lines'],
      ['splunk', 'beyond-latin1'],
    ] as const) {
      const forwarder = startForwarder(
        {
          SIEM_URL: server.url,
          SIEM_AUTH: auth,
          SIEM_AUTH_HEADER: 'X-Api-Key',
          SIEM_SECRET_NAME: name,
          SIEM_MAX_CONCURRENCY: '2',
          ...vaultEnv(),
        },
        vault,
      );
      try {
        const summary = await forwarder.run([manyTables()], { finalAttempt: false, budgetMs: 300 });
        assert.equal(summary.pending, 6, auth);
        assert.ok(
          summary.failures.every((failure) => failure.reason === 'secret-unavailable'),
          auth,
        );
        assert.match(
          summary.failures[0]!.detail,
          new RegExp(`secret "${name}" .*cannot be sent in an HTTP header`),
          auth,
        );
        assert.doesNotMatch(JSON.stringify(summary.failures), /-half/, auth);
      } finally {
        await forwarder.close();
      }
    }
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('basic auth sends any password, line breaks and all, since it goes base64-encoded', async () => {
  vault.secrets.set('basic-any', 'elastic:pässwörd \u20ac\tend\n');
  const expected = `Basic ${Buffer.from('elastic:pässwörd \u20ac\tend').toString('base64')}`;
  const server = await siem((request) => request.headers.authorization === expected);
  const forwarder = startForwarder(
    { SIEM_URL: server.url, SIEM_AUTH: 'basic', SIEM_SECRET_NAME: 'basic-any', ...vaultEnv() },
    vault,
  );
  try {
    assert.equal((await forwarder.run([manyTables()])).forwarded, 6);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('an identity endpoint that takes the connection and never answers fails the Entra token read at its time limit', async () => {
  // @azure/identity does not heed an abort signal while it waits for the identity endpoint. A user-assigned
  // identity of its own, so that no token cached by the tests before serves instead.
  identity.hanging = true;
  try {
    const reader = entraTokenReader(
      new ManagedIdentityCredential({ clientId: randomUUID() }),
      'api://my-siem/.default',
      300,
    );
    await assert.rejects(
      reader.read(),
      (error: Error) => error instanceof SecretUnavailableError && /did not answer within 300 ms/.test(error.message),
    );
  } finally {
    identity.hanging = false;
  }
});

test('entra auth sends a managed-identity token for the configured scope', async () => {
  const server = await siem(
    (request) => request.headers.authorization === `Bearer ${identity.tokenFor('api://my-siem')}`,
  );
  const forwarder = startForwarder({
    SIEM_URL: server.url,
    SIEM_AUTH: 'entra',
    SIEM_ENTRA_SCOPE: 'api://my-siem/.default',
  });
  try {
    assert.equal((await forwarder.run([manyTables()])).forwarded, 6);
    assert.ok(identity.issued.includes('api://my-siem'));
  } finally {
    await forwarder.close();
    await server.close();
  }
});

/**
 * An HTTPS SIEM signed by the test CA that requires a client certificate from the same CA, and answers 403 to a
 * certificate whose name it no longer accepts.
 */
async function mtlsSiem(accepted: (peer: string) => boolean = (peer) => peer === 'dsf-forwarder') {
  const certificates = testCertificates();
  const peers: string[] = [];
  /** The records taken, with the certificate they came with. */
  const taken: { peer: string; records: string[] }[] = [];
  const connections = new Set<unknown>();
  const server = await startServer(
    (request, _index, raw) => {
      connections.add(raw.request.socket);
      const peer = String((raw.request.socket as TLSSocket).getPeerCertificate().subject?.CN);
      peers.push(peer);
      if (!accepted(peer)) return { status: 403, body: { error: 'certificate revoked' } };
      taken.push({ peer, records: ndjsonLines(request) });
      return { status: 200 };
    },
    {
      cert: certificates.serverCert,
      key: certificates.serverKey,
      ca: certificates.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
  );
  return { server, peers, taken, connections };
}

test('mtls presents the client certificate from Key Vault to a SIEM whose private CA also comes from Key Vault', async () => {
  const { server, peers } = await mtlsSiem();
  const forwarder = startForwarder(
    {
      SIEM_URL: server.url,
      SIEM_AUTH: 'mtls',
      SIEM_SECRET_NAME: 'siem-client',
      SIEM_CA_CERT: 'siem-ca',
      ...vaultEnv(),
    },
    vault,
  );
  try {
    const summary = await forwarder.run([manyTables()]);
    assert.equal(summary.forwarded, 6);
    assert.ok(peers.length > 0 && peers.every((peer) => peer === 'dsf-forwarder'));
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('a rotated client certificate is read again on 403 and used on new connections', async () => {
  const certificates = testCertificates();
  let accepted = 'dsf-forwarder';
  const { server, peers } = await mtlsSiem((peer) => peer === accepted);
  const forwarder = startForwarder(
    {
      SIEM_URL: server.url,
      SIEM_AUTH: 'mtls',
      SIEM_SECRET_NAME: 'siem-client',
      SIEM_CA_CERT: 'siem-ca',
      ...vaultEnv(),
    },
    vault,
  );
  try {
    assert.equal((await forwarder.run([manyTables()])).forwarded, 6);
    vault.secrets.set('siem-client', `${certificates.rotatedClientKey}\n${certificates.rotatedClientCert}`);
    accepted = 'dsf-forwarder-rotated';
    const summary = await forwarder.run([manyTables()]);
    assert.equal(summary.forwarded, 6);
    assert.ok(peers.includes('dsf-forwarder') && peers.at(-1) === 'dsf-forwarder-rotated');
  } finally {
    await forwarder.close();
    await server.close();
    vault.secrets.set('siem-client', `${certificates.clientKey}\n${certificates.clientCert}`);
  }
});

test("with a client certificate per tenant, each tenant's records go with its own, over connections kept per certificate", async () => {
  const certificates = testCertificates();
  const [tenantA, tenantB, tenantC] = [
    'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa',
    'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb',
    'cccccccc-3333-4333-8333-cccccccccccc',
  ];
  vault.secrets.set('tenant-a-client', `${certificates.rotatedClientKey}\n${certificates.rotatedClientCert}`);
  vault.secrets.set('tenant-b-client', `${certificates.clientKey}\n${certificates.clientCert}`);
  const { server, taken, connections } = await mtlsSiem(() => true);
  const routes = {
    [`tenant:${tenantA}`]: { secretName: 'tenant-a-client' },
    [`tenant:${tenantB}`]: { secretName: 'tenant-b-client' },
  };
  const forwarder = startForwarder(
    {
      SIEM_URL: server.url,
      SIEM_AUTH: 'mtls',
      SIEM_SECRET_NAME: 'siem-client',
      SIEM_CA_CERT: 'siem-ca',
      SIEM_ROUTES: JSON.stringify(routes),
      SIEM_MAX_BATCH_RECORDS: '1',
      ...vaultEnv(),
    },
    vault,
  );
  try {
    const tenants = [tenantA, tenantB, tenantC];
    const records = Array.from({ length: 30 }, (_, i) =>
      recordText({ table: 'EmailEvents', tenantId: tenants[i % 3]!, properties: `"ReportId":${i}` }),
    );
    assert.equal((await forwarder.run([body(records)])).forwarded, 30);
    const peerOf = new Map(
      taken.flatMap(({ peer, records }) =>
        records.map((record) => [(JSON.parse(record) as { tenantId: string }).tenantId, peer] as const),
      ),
    );
    assert.deepEqual(
      peerOf,
      new Map([
        [tenantA, 'dsf-forwarder-rotated'],
        [tenantB, 'dsf-forwarder'],
        [tenantC, 'dsf-forwarder'],
      ]),
    );
    assert.equal(taken.flatMap(({ records }) => records).length, 30);
    // Three certificates in turn, 30 requests: kept pools need at most SIEM_MAX_CONCURRENCY connections each.
    assert.ok(connections.size <= 3 * 4, `${connections.size} TLS connections for 30 requests`);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('without the private CA the SIEM is not trusted, and nothing is lost: the records stay pending', async () => {
  const { server, peers } = await mtlsSiem();
  const forwarder = startForwarder(
    { SIEM_URL: server.url, SIEM_AUTH: 'mtls', SIEM_SECRET_NAME: 'siem-client', ...vaultEnv() },
    vault,
  );
  try {
    const summary = await forwarder.run([body([recordText({ table: 'EmailEvents' })])], {
      finalAttempt: false,
      budgetMs: 300,
    });
    assert.equal(summary.pending, 1);
    assert.equal(peers.length, 0);
    assert.match(summary.failures[0]!.detail, /network/);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('an mtls secret without a private key is reported as an unusable secret, never printed', async () => {
  const { server } = await mtlsSiem();
  const forwarder = startForwarder(
    {
      SIEM_URL: server.url,
      SIEM_AUTH: 'mtls',
      SIEM_SECRET_NAME: 'not-a-certificate',
      SIEM_CA_CERT: 'siem-ca',
      ...vaultEnv(),
    },
    vault,
  );
  try {
    const summary = await forwarder.run([body([recordText({ table: 'EmailEvents' })])], {
      finalAttempt: false,
      budgetMs: 300,
    });
    assert.equal(summary.pending, 1);
    assert.equal(summary.failures[0]!.reason, 'secret-unavailable');
    assert.match(summary.failures[0]!.detail, /found 1 certificate\(s\) and 0 key\(s\)/);
    assert.doesNotMatch(summary.failures[0]!.detail, /BEGIN/);
  } finally {
    await forwarder.close();
    await server.close();
  }
});
