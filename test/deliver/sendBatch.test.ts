import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadConfig } from '../../shared/config/config.js';
import { SecretValue } from '../../shared/types/secretValue.js';
import { sendBatch, type DeliveryContext } from '../../shared/deliver/sendBatch.js';
import type { AttemptEvent } from '../../shared/types/outcome.js';
import { SiemClient } from '../../shared/deliver/siemClient.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import { CachedSecretProvider, createSecretProvider } from '../../shared/secrets/secretProvider.js';
import { createSink } from '../../shared/sinks/registry.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { ndjsonLines, startServer, type Script, type TestServer } from '../support/httpServer.js';
import { body, keyedRecord } from '../support/records.js';

// Generous, so a pause on a loaded machine never turns an answered request into a retry; the test of a SIEM that
// never answers has a client of its own with a short timeout.
const client = new SiemClient({ timeoutMs: 10_000, connections: 2 });
const impatientClient = new SiemClient({ timeoutMs: 300, connections: 2 });
const servers: TestServer[] = [];
after(async () => {
  await Promise.all([client.close(), impatientClient.close()]);
  await Promise.all(servers.map((server) => server.close()));
});

async function siem(script: Script): Promise<TestServer> {
  const server = await startServer(script);
  servers.push(server);
  return server;
}

function records(count: number): ForwardRecord[] {
  const texts = Array.from({ length: count }, (_, i) => keyedRecord(`r-${i}`));
  return unpackMessages([{ body: body(texts), source: {} }], { maxRecordBytes: 1 << 20 }).records;
}

function context(
  server: TestServer,
  overrides: Partial<DeliveryContext> = {},
): DeliveryContext & { attempts: AttemptEvent[] } {
  const attempts: AttemptEvent[] = [];
  const config = loadConfig({ SIEM_URL: `${server.url}/in`, SIEM_SECRET: 'right' }, { functionsApp: false });
  return {
    sink: createSink(config.siem),
    post: (request, signal) => client.post(request, signal),
    secrets: createSecretProvider({ kind: 'value', value: new SecretValue('right') }, () =>
      assert.fail('no credential needed'),
    ),
    backoff: { initialMs: 5, maxMs: 20 },
    deadline: Date.now() + 10_000,
    onAttempt: (event) => attempts.push(event),
    attempts,
    ...overrides,
  };
}

test('413: the batch is halved until each part fits; every record is delivered once', async () => {
  const server = await siem((request) => (ndjsonLines(request).length > 2 ? { status: 413 } : { status: 200 }));
  const result = await sendBatch('t', records(8), context(server));
  assert.equal(result.delivered.length, 8);
  assert.deepEqual(result.failed, []);
  const accepted = server.requests.filter((request) => ndjsonLines(request).length <= 2).flatMap(ndjsonLines);
  assert.equal(new Set(accepted).size, 8);
  assert.equal(accepted.length, 8);
});

test('400: bisection finds the poison records; refusals with the same answer are one failure', async () => {
  const server = await siem((request) =>
    /"r-(3|12)"/.test(request.body) ? { status: 400, body: { error: 'bad record' } } : { status: 200 },
  );
  const result = await sendBatch('t', records(16), context(server));
  assert.equal(result.delivered.length, 14);
  assert.equal(result.failed.length, 1);
  const [failure] = result.failed;
  assert.deepEqual(
    failure!.records.map((record) => record.index),
    [3, 12],
  );
  assert.equal(failure!.status, 400);
  assert.equal(failure!.retryable, false);
  assert.match(failure!.responseExcerpt!, /bad record/);
});

test('400: poison records the SIEM explains differently stay apart, each with its own answer', async () => {
  const server = await siem((request) => {
    const poison = /"r-(3|12)"/.exec(request.body)?.[1];
    return poison ? { status: 400, body: { error: `record r-${poison} is bad` } } : { status: 200 };
  });
  const result = await sendBatch('t', records(16), context(server));
  assert.deepEqual(result.failed.map((failure) => failure.responseExcerpt).sort(), [
    '{"error":"record r-12 is bad"}',
    '{"error":"record r-3 is bad"}',
  ]);
});

test('a refusal that halving cannot help is final at once: one request, not retried', async () => {
  const server = await siem(() => ({ status: 422, body: 'unprocessable' }));
  const result = await sendBatch('t', records(4), context(server));
  assert.equal(server.requests.length, 1);
  assert.equal(result.failed[0]!.reason, 'siem-rejected');
  assert.equal(result.failed[0]!.retryable, false);
});

test('a Retry-After past the deadline is not waited for: the records stay pending for the trigger', async () => {
  const server = await siem(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
  const result = await sendBatch('t', records(3), context(server));
  assert.equal(server.requests.length, 1);
  assert.equal(result.failed[0]!.reason, 'siem-unavailable');
  assert.equal(result.failed[0]!.retryable, true);
  assert.match(result.failed[0]!.detail, /until the deadline: HTTP 503/);
});

test('nothing is sent once the deadline has passed', async () => {
  const server = await siem(() => ({ status: 200 }));
  const result = await sendBatch('t', records(3), context(server, { deadline: Date.now() - 1 }));
  assert.equal(server.requests.length, 0);
  assert.equal(result.failed[0]!.records.length, 3);
  assert.equal(result.failed[0]!.attempts, 0);
});

test('a SIEM that never answers is cut off by the request timeout and tried again', async () => {
  const server = await siem((_, index) => (index === 0 ? undefined : { status: 200 }));
  const delivery = context(server, { post: (request, signal) => impatientClient.post(request, signal) });
  const result = await sendBatch('t', records(3), delivery);
  assert.equal(result.delivered.length, 3);
  assert.deepEqual(
    delivery.attempts.map((attempt) => attempt.outcome),
    ['retry', 'delivered'],
  );
  assert.match(delivery.attempts[0]!.reason!, /network: (TimeoutError|UND_ERR_HEADERS_TIMEOUT)/);
});

test('a refused credential is read again once; refused again, the records wait for the next try', async () => {
  const server = await siem(() => ({ status: 401 }));
  const versions = ['stale', 'still-stale'];
  let reads = 0;
  // The real cache in front of a vault whose secret changes between reads (Key Vault itself: test/app/faults).
  const secrets = new CachedSecretProvider({ read: async () => versions[reads++]! }, 60_000);
  const result = await sendBatch('t', records(2), context(server, { secrets }));
  assert.equal(reads, 2);
  assert.equal(server.requests[0]!.headers.authorization, 'Bearer stale');
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1]!.headers.authorization, 'Bearer still-stale');
  assert.equal(result.failed[0]!.reason, 'siem-unauthorized');
  assert.equal(result.failed[0]!.retryable, true);
});

test('records that cannot be written as a request fail as unencodable, with the error; nothing is sent, nothing thrown', async () => {
  const server = await siem(() => ({ status: 200 }));
  const [first, second] = records(2);
  // A byte count that does not match the text: the encoder refuses to send a cut or shifted body.
  const miscounted = { ...second!, bytes: second!.bytes + 1 };
  const result = await sendBatch('t', [first!, miscounted], context(server));
  assert.deepEqual(result.delivered, []);
  assert.deepEqual(
    result.failed.map((failure) => [failure.reason, failure.records.length, failure.retryable]),
    [['unencodable', 2, false]],
  );
  assert.match(result.failed[0]!.detail, /^the request could not be built: Error: record 1 of the batch encodes to/);
  assert.equal(server.requests.length, 0);
});

test('every request carries an Idempotency-Key derived from its body: the same records, the same key', async () => {
  const server = await siem(() => ({ status: 200 }));
  await sendBatch('t', records(5), context(server));
  await sendBatch('t', records(5), context(server));
  await sendBatch('t', records(4), context(server));
  const keys = server.requests.map((request) => request.headers['idempotency-key']);
  assert.equal(keys[0], keys[1]);
  assert.notEqual(keys[0], keys[2]);
  assert.match(String(keys[0]), /^[0-9a-f]{32}$/);
});
