import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { conserved, withForwarder, type TestForwarder } from '../support/forwarder.js';
import {
  MAX_CALL_BYTES,
  startLogsIngestion,
  type LogsIngestionOptions,
  type TestLogsIngestion,
} from '../support/logsIngestion.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { body, deviceInfo, recordText } from '../support/records.js';

const DCR = 'dcr-0123456789abcdef0123456789abcdef';
let identity: TestIdentity;

before(async () => {
  identity = await startManagedIdentity();
  Object.assign(process.env, identity.env);
});
after(() => identity.close());

async function withSentinel(
  options: Partial<LogsIngestionOptions>,
  env: Record<string, string>,
  run: (logs: TestLogsIngestion, forwarder: TestForwarder) => Promise<void>,
) {
  const logs = await startLogsIngestion({
    identity,
    dcrImmutableId: DCR,
    streams: ['Custom-DeviceProcessEvents', 'Custom-EmailEvents', 'Custom-DefenderAssets'],
    ...options,
  });
  await withForwarder(logs, { SIEM_URL: logs.url, SIEM_FORMAT: 'sentinel', SENTINEL_DCR_ID: DCR, ...env }, run);
}

const processRecord = (i: number, padding = 0) =>
  recordText({
    table: 'DeviceProcessEvents',
    properties: `"DeviceId":"d${i}","MachineGroup":"G","CommandLine":"${'x'.repeat(padding)}"`,
  });

test('records reach the rule stream of their table, byte for byte, with a token for Azure Monitor from the managed identity', async () => {
  const email = recordText({ table: 'EmailEvents', properties: '"NetworkMessageId":"n-1"' });
  const info = deviceInfo('dev-1', 'Servers');
  await withSentinel(
    {},
    { SIEM_ROUTES: '{"DeviceInfo":{"stream":"Custom-DefenderAssets"}}' },
    async (logs, forwarder) => {
      const summary = await forwarder.run([body([processRecord(1), email, info, processRecord(2)])]);
      assert.equal(summary.forwarded, 4);
      assert.ok(conserved(summary));
      assert.deepEqual(logs.streams.get('Custom-DeviceProcessEvents'), [processRecord(1), processRecord(2)]);
      assert.deepEqual(logs.streams.get('Custom-EmailEvents'), [email]);
      assert.deepEqual(logs.streams.get('Custom-DefenderAssets'), [info]);
      assert.ok(identity.issued.includes('https://monitor.azure.com'));
      assert.ok(
        logs.requests.every(
          (request) =>
            request.path.endsWith('?api-version=2023-01-01') && request.headers['content-type'] === 'application/json',
        ),
      );
    },
  );
});

test('no call carries more than 1 MB, however many records', async () => {
  const records = Array.from({ length: 300 }, (_, i) => processRecord(i, 9_000));
  await withSentinel({}, { SIEM_MAX_BATCH_RECORDS: '10000' }, async (logs, forwarder) => {
    const summary = await forwarder.run([body(records.slice(0, 150)), body(records.slice(150))]);
    assert.equal(summary.forwarded, 300);
    assert.ok(logs.requests.length >= 3);
    assert.ok(
      logs.requests.every(
        (request) => Buffer.byteLength(request.body) <= MAX_CALL_BYTES && request.wireBytes <= MAX_CALL_BYTES,
      ),
    );
    // Batches go out in parallel, so they may arrive in any order; every record arrives once, unchanged.
    const arrived = [...(logs.streams.get('Custom-DeviceProcessEvents') ?? [])].sort();
    assert.ok(arrived.length === records.length && [...records].sort().every((record, i) => record === arrived[i]));
  });
});

test('a throttled call (429 with Retry-After) is sent again after the wait it asks for', async () => {
  await withSentinel({ throttledCalls: 1 }, {}, async (logs, forwarder) => {
    const summary = await forwarder.run([body([processRecord(1)])]);
    assert.equal(summary.forwarded, 1);
    assert.deepEqual(
      forwarder.attempts.map((attempt) => [attempt.outcome, attempt.status]),
      [
        ['retry', 429],
        ['delivered', 204],
      ],
    );
    assert.equal(logs.requests.length, 2);
  });
});

test('gzip calls are accepted', async () => {
  await withSentinel({}, { SIEM_GZIP: 'true' }, async (logs, forwarder) => {
    const records = Array.from({ length: 20 }, (_, i) => processRecord(i, 200));
    const summary = await forwarder.run([body(records)]);
    assert.equal(summary.forwarded, 20);
    assert.equal(logs.requests[0]!.headers['content-encoding'], 'gzip');
    assert.ok(logs.requests[0]!.wireBytes < Buffer.byteLength(logs.requests[0]!.body));
  });
});

test('a stream the rule does not declare is refused and dead-lettered with the reason', async () => {
  await withSentinel({ streams: ['Custom-Other'] }, {}, async (_logs, forwarder) => {
    const summary = await forwarder.run([body([processRecord(1)])]);
    assert.equal(summary.deadLettered, 1);
    assert.match(summary.failures[0]!.detail, /bad request/);
  });
});
