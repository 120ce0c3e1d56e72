/**
 * `check` against each SIEM protocol's loopback server: what each probe proves, each failure it names with its fix,
 * and that without --send-test-record no record reaches the SIEM.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_ACTION_TYPE } from '../../cli/check/testRecord.js';
import { SiemReceiver } from '../../cli/receiver/receiver.js';
import { testCertificates } from '../support/certificates.js';
import { check, found } from '../support/check.js';
import { startElasticBulk } from '../support/elasticBulk.js';
import { startServer } from '../support/httpServer.js';
import { startLogsIngestion } from '../support/logsIngestion.js';
import { identityForTests } from '../support/managedIdentity.js';
import { startSplunkHec } from '../support/splunkHec.js';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const identity = identityForTests();

test('a generic endpoint: the answer to a GET is proven, the credential is said to be unproven, and nothing is sent', async () => {
  const receiver = new SiemReceiver({ token: TOKEN });
  const url = await receiver.start();
  try {
    const report = await check({ SIEM_URL: `${url}/ingest`, SIEM_SECRET: TOKEN });
    assert.equal(report.exitCode, 0);
    assert.equal(found(report, 'siem-endpoint').status, 'ok');
    assert.match(found(report, 'siem-endpoint').detail, /answered a GET with HTTP 405 over plain http/);
    assert.equal(found(report, 'siem-credential').status, 'note');
    assert.match(found(report, 'siem-credential').detail, /not proven/);
    assert.equal(receiver.received, 0);
    assert.ok(!JSON.stringify(report).includes(TOKEN), 'the secret never appears');
  } finally {
    await receiver.stop();
  }
});

test('--send-test-record sends one marked record through the real request path and shows the answer', async () => {
  const receiver = new SiemReceiver({ token: TOKEN });
  const url = await receiver.start();
  try {
    const report = await check({ SIEM_URL: `${url}/ingest`, SIEM_SECRET: TOKEN }, { sendTestRecord: true });
    assert.equal(report.exitCode, 0);
    assert.match(found(report, 'test-record').detail, /the SIEM answered HTTP 200 \{"accepted":1\}/);
    assert.equal(receiver.received, 1);
    const [sent] = receiver.batches[0]!.records;
    assert.equal((JSON.parse(sent!) as { properties: { ActionType: string } }).properties.ActionType, TEST_ACTION_TYPE);
    assert.equal(receiver.batches[0]!.category, 'AdvancedHunting-DeviceEvents');

    const refused = await check({ SIEM_URL: `${url}/ingest`, SIEM_SECRET: 'not-the-token' }, { sendTestRecord: true });
    assert.equal(refused.exitCode, 1);
    assert.equal(found(refused, 'test-record').status, 'failed');
    assert.match(found(refused, 'test-record').detail, /refused the credential \(HTTP 401\).*HTTP 401/);
  } finally {
    await receiver.stop();
  }
});

test('a wrong port fails the endpoint with the setting to fix, and skips the credential', async () => {
  // Port 1 is privileged and unused: nothing listens there.
  const report = await check({ SIEM_URL: 'http://127.0.0.1:1/ingest', SIEM_SECRET: TOKEN });
  assert.equal(report.exitCode, 1);
  const endpoint = found(report, 'siem-endpoint');
  assert.equal(endpoint.status, 'failed');
  assert.match(endpoint.detail, /connection refused.*ECONNREFUSED/);
  assert.match(endpoint.fix ?? '', /host and port in SIEM_URL/);
  assert.equal(found(report, 'siem-credential').status, 'skipped');
});

test('an https SIEM whose CA is not trusted is named, with SIEM_CA_CERT as the fix', async () => {
  const certificates = testCertificates();
  const server = await startServer(() => ({ status: 200, body: {} }), {
    cert: certificates.serverCert,
    key: certificates.serverKey,
  });
  try {
    const report = await check({ SIEM_URL: `${server.url}/ingest`, SIEM_SECRET: TOKEN });
    const endpoint = found(report, 'siem-endpoint');
    assert.equal(endpoint.status, 'failed');
    assert.match(endpoint.detail, /not signed by a trusted CA/);
    assert.match(endpoint.fix ?? '', /SIEM_CA_CERT/);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('a SIEM that never answers fails within the time limit', async () => {
  const server = await startServer(() => undefined);
  try {
    const report = await check({ SIEM_URL: `${server.url}/ingest`, SIEM_SECRET: TOKEN }, { timeoutMs: 300 });
    assert.equal(found(report, 'siem-endpoint').status, 'failed');
    assert.match(found(report, 'siem-endpoint').detail, /no answer in time/);
  } finally {
    await server.close();
  }
});

test('Splunk HEC: health and the token are proven without indexing an event', async () => {
  const hec = await startSplunkHec({ token: TOKEN });
  try {
    const report = await check({
      SIEM_URL: hec.url,
      SIEM_FORMAT: 'splunk-hec',
      SIEM_SECRET: TOKEN,
      SPLUNK_INDEX: 'defender',
    });
    assert.equal(report.exitCode, 0, JSON.stringify(report.results));
    assert.match(
      found(report, 'siem-endpoint').detail,
      /services\/collector\/health answered a GET with HTTP 200.*HEC is healthy/,
    );
    assert.match(
      found(report, 'siem-credential').detail,
      /the token is accepted: HEC answered HTTP 400 code 5 "No data".*index "defender" only --send-test-record proves/,
    );
    assert.equal(hec.events.length, 0);

    const sent = await check(
      { SIEM_URL: hec.url, SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: TOKEN },
      { sendTestRecord: true },
    );
    assert.equal(found(sent, 'test-record').status, 'ok');
    assert.equal(hec.events.length, 1);
    assert.match(hec.events[0]!.eventText, new RegExp(TEST_ACTION_TYPE));
  } finally {
    await hec.close();
  }
});

test('Splunk HEC: a wrong token, an unhealthy HEC, and a token that wants acknowledgement are each named', async () => {
  const hec = await startSplunkHec({ token: TOKEN });
  const unhealthy = await startSplunkHec({ token: TOKEN, unhealthy: true });
  const acknowledging = await startSplunkHec({ token: TOKEN, ack: true });
  try {
    const wrong = await check({ SIEM_URL: hec.url, SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: 'wrong-token' });
    assert.equal(wrong.exitCode, 1);
    assert.equal(found(wrong, 'siem-endpoint').status, 'ok');
    assert.match(
      found(wrong, 'siem-credential').detail,
      /HEC does not know this token: HEC answered HTTP 403 code 4 "Invalid token"/,
    );
    assert.match(found(wrong, 'siem-credential').fix ?? '', /SIEM_SECRET/);

    const busy = await check({ SIEM_URL: unhealthy.url, SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: TOKEN });
    assert.equal(found(busy, 'siem-endpoint').status, 'failed');
    assert.match(found(busy, 'siem-endpoint').detail, /queues are full \(code 18\)/);

    const ack = await check({ SIEM_URL: acknowledging.url, SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: TOKEN });
    assert.match(found(ack, 'siem-credential').detail, /code 10 "Data channel is missing"/);
    assert.match(found(ack, 'siem-credential').fix ?? '', /SPLUNK_HEC_ACK=true/);
    const acked = await check({
      SIEM_URL: acknowledging.url,
      SIEM_FORMAT: 'splunk-hec',
      SIEM_SECRET: TOKEN,
      SPLUNK_HEC_ACK: 'true',
    });
    assert.equal(found(acked, 'siem-credential').status, 'ok');
    assert.equal(hec.events.length + unhealthy.events.length + acknowledging.events.length, 0);
  } finally {
    await Promise.all([hec.close(), unhealthy.close(), acknowledging.close()]);
  }
});

test('Elastic: _authenticate names the user the API key is, or the credential is refused; nothing is indexed', async () => {
  const key = Buffer.from('k1:secret-key').toString('base64');
  const elastic = await startElasticBulk({ authorization: `ApiKey ${key}` });
  try {
    const report = await check({ SIEM_URL: elastic.url, SIEM_FORMAT: 'elastic-bulk', SIEM_SECRET: key });
    assert.equal(report.exitCode, 0);
    assert.match(
      found(report, 'siem-credential').detail,
      /authenticated as "forwarder" \(api_key\); whether it may write to "defender-deviceevents"/,
    );

    const refused = await check({ SIEM_URL: elastic.url, SIEM_FORMAT: 'elastic-bulk', SIEM_SECRET: 'bm90OnRoaXM=' });
    assert.equal(refused.exitCode, 1);
    assert.match(found(refused, 'siem-credential').detail, /refused: HTTP 401/);
    assert.match(found(refused, 'siem-credential').fix ?? '', /"encoded" value/);
    assert.equal(elastic.indices.size, 0);

    const sent = await check(
      { SIEM_URL: elastic.url, SIEM_FORMAT: 'elastic-bulk', SIEM_SECRET: key },
      { sendTestRecord: true },
    );
    assert.equal(found(sent, 'test-record').status, 'ok');
    assert.equal(elastic.indices.get('defender-deviceevents')?.size, 1);
  } finally {
    await elastic.close();
  }
});

test('Sentinel: an empty call proves the Entra token and the rule without ingesting; an unknown rule is named', async () => {
  const logs = await startLogsIngestion({
    identity: identity(),
    dcrImmutableId: DCR,
    streams: ['Custom-DeviceEvents'],
  });
  try {
    const env = { SIEM_URL: logs.url, SIEM_FORMAT: 'sentinel', SENTINEL_DCR_ID: DCR };
    const report = await check(env);
    assert.equal(report.exitCode, 0, JSON.stringify(report.results));
    assert.match(found(report, 'secret').detail, /a token was issued/);
    assert.match(
      found(report, 'siem-credential').detail,
      /the token is accepted for rule dcr-0123456789abcdef0123456789abcdef, stream "Custom-DeviceEvents": HTTP 204/,
    );
    assert.equal(logs.streams.get('Custom-DeviceEvents')?.length ?? 0, 0);

    const unknown = await check({ ...env, SENTINEL_DCR_ID: 'dcr-ffffffffffffffffffffffffffffffff' });
    assert.equal(unknown.exitCode, 1);
    assert.match(
      found(unknown, 'siem-credential').detail,
      /no such rule or stream.*HTTP 404 DataCollectionRuleNotFound/,
    );
    assert.match(found(unknown, 'siem-credential').fix ?? '', /SENTINEL_DCR_ID/);

    const sent = await check(env, { sendTestRecord: true });
    assert.equal(found(sent, 'test-record').status, 'ok');
    assert.equal(logs.streams.get('Custom-DeviceEvents')?.length, 1);
  } finally {
    await logs.close();
  }
});

test('each route that changes where records go is probed as its own destination', async () => {
  const main = await startSplunkHec({ token: TOKEN });
  const assets = await startSplunkHec({ token: TOKEN });
  try {
    const report = await check({
      SIEM_URL: main.url,
      SIEM_FORMAT: 'splunk-hec',
      SIEM_SECRET: TOKEN,
      SIEM_ROUTES: JSON.stringify({ DeviceInfo: { url: assets.url }, DeviceLogonEvents: { index: 'logons' } }),
    });
    assert.equal(report.exitCode, 0, JSON.stringify(report.results));
    const subjects = report.results
      .filter((checked) => checked.kind === 'siem-endpoint')
      .map((checked) => checked.subject);
    assert.deepEqual(subjects, ['SIEM endpoint (SIEM_URL)', 'SIEM endpoint (SIEM_ROUTES "DeviceInfo")']);
    assert.equal(assets.requests.length, 2);
  } finally {
    await Promise.all([main.close(), assets.close()]);
  }
});
