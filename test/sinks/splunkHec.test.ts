import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AcknowledgementTimeoutError,
  newChannel,
  withIndexerAcknowledgement,
} from '../../shared/sinks/splunkHec/ack.js';
import { epochSeconds } from '../../shared/sinks/splunkHec/epochTime.js';
import type { Post } from '../../shared/types/sink.js';
import { conserved, startForwarder, withForwarder, type TestForwarder } from '../support/forwarder.js';
import { startServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';
import { startSplunkHec, type HecOptions, type TestHec } from '../support/splunkHec.js';

const TOKEN = 'hec-token-1';

async function withHec(
  options: Partial<HecOptions>,
  env: Record<string, string>,
  run: (hec: TestHec, forwarder: TestForwarder) => Promise<void>,
) {
  const hec = await startSplunkHec({ token: TOKEN, ...options });
  await withForwarder(hec, { SIEM_URL: hec.url, SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: TOKEN, ...env }, run);
}

test('HEC time is epoch seconds computed from the text, the fraction kept as written', () => {
  assert.equal(epochSeconds('2026-07-18T14:08:10.0236840Z'), `${Date.UTC(2026, 6, 18, 14, 8, 10) / 1000}.0236840`);
  assert.equal(epochSeconds('1970-01-01T00:00:01Z'), '1');
  assert.equal(epochSeconds('2026-07-18T16:08:10.5+02:00'), `${Date.UTC(2026, 6, 18, 14, 8, 10) / 1000}.5`);
  assert.equal(epochSeconds('2026-07-18T14:08:10.123'), `${Date.UTC(2026, 6, 18, 14, 8, 10) / 1000}.123`);
  assert.equal(epochSeconds('2026-02-30T00:00:00Z'), undefined);
  assert.equal(epochSeconds('yesterday'), undefined);
});

test('events carry the record byte for byte, with time, host, source, sourcetype, index and indexed fields', async () => {
  const info = deviceInfo('dev-1', 'Tier0 servers');
  const process = deviceEvent('dev-1', 'absent');
  const email = recordText({
    table: 'EmailEvents',
    properties: '"NetworkMessageId":"n-1","ReportId":"r-1"',
    time: '2026-07-18T14:08:11.1000000Z',
  });
  await withHec(
    {},
    { SPLUNK_INDEX: 'defender', SIEM_ROUTES: '{"DeviceInfo":{"sourcetype":"defender:assets","index":"assets"}}' },
    async (hec, forwarder) => {
      const summary = await forwarder.run([body([info, process, email])]);
      assert.equal(summary.forwarded, 3);
      assert.ok(conserved(summary));
      assert.ok(
        hec.requests.every(
          (request) =>
            request.path === '/services/collector/event' && request.headers.authorization === `Splunk ${TOKEN}`,
        ),
      );

      const byCategory = new Map(
        hec.events.map((event) => [
          event.envelope.fields && (event.envelope.fields as Record<string, string>).category,
          event,
        ]),
      );
      const infoEvent = byCategory.get('AdvancedHunting-DeviceInfo')!;
      assert.equal(infoEvent.eventText, info);
      assert.deepEqual(
        {
          host: infoEvent.envelope.host,
          sourcetype: infoEvent.envelope.sourcetype,
          index: infoEvent.envelope.index,
          source: infoEvent.envelope.source,
        },
        { host: 'host-dev-1', sourcetype: 'defender:assets', index: 'assets', source: 'insights-logs-advancedhunting' },
      );
      assert.equal((infoEvent.envelope.fields as Record<string, string>).MachineGroup, 'Tier0 servers');

      const processEvent = byCategory.get('AdvancedHunting-DeviceProcessEvents')!;
      assert.equal(processEvent.envelope.sourcetype, 'mscs:azure:eventhub:defender:advancedhunting');
      assert.equal(processEvent.envelope.index, 'defender');
      // Enriched from the DeviceInfo record: the group is spliced into the event and indexed as a field.
      assert.match(processEvent.eventText, /"MachineGroup":"Tier0 servers"\}/);
      assert.equal((processEvent.envelope.fields as Record<string, string>).MachineGroup, 'Tier0 servers');

      const emailEvent = byCategory.get('AdvancedHunting-EmailEvents')!;
      assert.equal(emailEvent.eventText, email);
      assert.equal(emailEvent.envelope.host, undefined);
      assert.deepEqual(Object.keys(emailEvent.envelope.fields as object), ['category', 'record_id']);
      assert.match((emailEvent.envelope.fields as Record<string, string>).record_id!, /^[0-9a-f]{32}$/);
      // The seven fractional digits reach Splunk as written, not rounded through a Date.
      const emailRequest = hec.requests.find((request) => request.body.includes('"n-1"'))!;
      assert.ok(emailRequest.body.includes(`"time":${Date.UTC(2026, 6, 18, 14, 8, 11) / 1000}.1000000,`));
    },
  );
});

test('the batcher counts the envelope exactly: requests stay within SIEM_MAX_BATCH_BYTES', async () => {
  const records = Array.from({ length: 60 }, (_, i) => deviceEvent(`dev-${i}`, 'Servers'));
  await withHec({}, { SIEM_MAX_BATCH_BYTES: '4096' }, async (hec, forwarder) => {
    const summary = await forwarder.run([body(records)]);
    assert.equal(summary.forwarded, 60);
    assert.ok(hec.requests.length > 1);
    assert.ok(hec.requests.every((request) => request.wireBytes <= 4096));
    assert.equal(
      summary.categories.get('AdvancedHunting-DeviceProcessEvents')!.bytes,
      hec.requests.reduce((sum, request) => sum + request.wireBytes, 0),
    );
  });
});

test('a 400 with invalid-event-number resends only the events after the invalid one, which is dead-lettered', async () => {
  const records = ['a.exe', 'b.exe', 'bad.exe', 'c.exe', 'd.exe'].map((file) =>
    recordText({ table: 'DeviceProcessEvents', properties: `"DeviceId":"d1","FileName":"${file}","MachineGroup":"G"` }),
  );
  await withHec({ invalid: (event) => event.includes('bad.exe') }, {}, async (hec, forwarder) => {
    const summary = await forwarder.run([body(records)]);
    assert.equal(summary.forwarded, 4);
    assert.equal(summary.deadLettered, 1);
    assert.ok(conserved(summary));
    assert.equal(hec.requests.length, 2);
    assert.deepEqual(
      hec.events.map((event) => /"FileName":"(\w+)/.exec(event.eventText)?.[1]),
      ['a', 'b', 'c', 'd'],
    );
    assert.doesNotMatch(hec.requests[1]!.body, /a\.exe|b\.exe|bad\.exe/);
    assert.match(summary.failures[0]!.detail, /HEC code 6: Invalid data format/);
  });
});

test('503 code 9 (server busy) is retried until HEC takes the batch', async () => {
  await withHec({ busyRequests: 2 }, {}, async (hec, forwarder) => {
    const summary = await forwarder.run([body([deviceEvent('dev-1', 'G')])]);
    assert.equal(summary.forwarded, 1);
    assert.deepEqual(
      forwarder.attempts.map((attempt) => attempt.outcome),
      ['retry', 'retry', 'delivered'],
    );
    assert.equal(hec.events.length, 1);
  });
});

test('a request HEC rejects as a whole (incorrect index) is not halved record by record', async () => {
  const server = await startServer(() => ({ status: 400, body: { text: 'Incorrect index', code: 7 } }));
  const forwarder = startForwarder({
    SIEM_URL: server.url,
    SIEM_FORMAT: 'splunk-hec',
    SIEM_SECRET: TOKEN,
    SPLUNK_INDEX: 'nope',
  });
  try {
    const summary = await forwarder.run([body(Array.from({ length: 8 }, (_, i) => deviceEvent(`dev-${i}`, 'G')))]);
    assert.equal(summary.deadLettered, 8);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.path, '/services/collector/event');
    assert.match(summary.failures[0]!.detail, /HEC code 7: incorrect index/);
  } finally {
    await forwarder.close();
    await server.close();
  }
});

test('with indexer acknowledgement a batch counts as delivered only once HEC reports it indexed', async () => {
  await withHec({ ack: true, pollsBeforeIndexed: 2 }, { SPLUNK_HEC_ACK: 'true' }, async (hec, forwarder) => {
    const summary = await forwarder.run([body([deviceEvent('dev-1', 'G'), deviceEvent('dev-2', 'G')])]);
    assert.equal(summary.forwarded, 2);
    const [send, ...polls] = hec.requests;
    const channel = send!.headers['x-splunk-request-channel'];
    assert.match(String(channel), /^[0-9a-f-]{36}$/);
    assert.equal(polls.length, 3);
    assert.ok(
      polls.every((poll) => poll.path === `/services/collector/ack?channel=${channel}` && poll.body === '{"acks":[0]}'),
    );
    assert.match(String(send!.headers['idempotency-key']), /^[0-9a-f]{32}$/);
    assert.ok(
      polls.every((poll) => poll.headers['idempotency-key'] === undefined),
      "a poll carried the batch's Idempotency-Key",
    );
  });
});

test('a batch never acknowledged in time is sent again, and stays pending when the deadline comes first', async () => {
  await withHec(
    { ack: true, pollsBeforeIndexed: Number.POSITIVE_INFINITY },
    { SPLUNK_HEC_ACK: 'true', SPLUNK_HEC_ACK_TIMEOUT_SECONDS: '1' },
    async (hec, forwarder) => {
      const summary = await forwarder.run([body([deviceEvent('dev-1', 'G')])], {
        finalAttempt: false,
        budgetMs: 2_500,
      });
      assert.equal(summary.forwarded, 0);
      assert.equal(summary.pending, 1);
      assert.ok(conserved(summary));
      assert.ok(hec.requests.filter((request) => request.path === '/services/collector/event').length >= 2);
      assert.ok(
        forwarder.attempts.some(
          (attempt) => attempt.outcome === 'retry' && attempt.reason?.includes('HEC_ACK_TIMEOUT'),
        ),
      );
    },
  );
});

test('gzip bodies are accepted and smaller on the wire', async () => {
  const records = Array.from({ length: 20 }, (_, i) => deviceEvent(`dev-${i}`, 'Servers'));
  await withHec({}, { SIEM_GZIP: 'true' }, async (hec, forwarder) => {
    const summary = await forwarder.run([body(records)]);
    assert.equal(summary.forwarded, 20);
    const [request] = hec.requests;
    assert.equal(request!.headers['content-encoding'], 'gzip');
    assert.ok(request!.wireBytes < Buffer.byteLength(request!.body));
    assert.deepEqual(
      hec.events.map((event) => event.eventText),
      records,
    );
  });
});

test('an acknowledgement poll that never answers ends at the acknowledgement timeout', {
  timeout: 10_000,
}, async () => {
  const hec = await startServer((request) =>
    request.path.startsWith('/services/collector/ack')
      ? undefined
      : { status: 200, body: { text: 'Success', code: 0, ackId: 7 } },
  );
  const post: Post = async (request, signal) => {
    const answer = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      ...(signal ? { signal } : {}),
    });
    return { status: answer.status, headers: {}, body: await answer.text() };
  };
  try {
    const sent = withIndexerAcknowledgement(
      post,
      300,
    )({
      url: `${hec.url}/services/collector/event`,
      headers: { 'x-splunk-request-channel': newChannel() },
      body: Buffer.from('{"event":{}}'),
    });
    await assert.rejects(sent, AcknowledgementTimeoutError);
  } finally {
    await hec.close();
  }
});
