/**
 * A protocol is one folder and one line in the registry: its definition brings everything the settings table,
 * the configuration and delivery ask of it. The proof is a protocol the tree has never had, defined here as a
 * folder would define it, that is documented, configured, checked and spoken without a change anywhere else.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, type Environment } from '../../shared/config/config.js';
import { text } from '../../shared/config/settingTypes.js';
import { settings, settingsTable } from '../../shared/config/settings.js';
import { classifyResponse } from '../../shared/deliver/outcome.js';
import type { Router } from '../../shared/route/router.js';
import { defineSink, type SinkDefinition } from '../../shared/sinks/definition.js';
import { recordBody } from '../../shared/sinks/recordBody.js';
import { SINKS } from '../../shared/sinks/registry.js';
import { protocolSink } from '../../shared/sinks/request.js';
import type { Format } from '../../shared/types/format.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import { conserved, startForwarder } from '../support/forwarder.js';
import { startServer } from '../support/httpServer.js';
import { body, deviceInfo, recordText } from '../support/records.js';

/** Each record on a line of its own, after its route's tag and a separator of the protocol's own. */
function taggedLinesFormat(router: Router, separator: string): Format {
  const around = (record: ForwardRecord) => ({ before: `${router.route(record).index}${separator}`, after: '\n' });
  const shape = { open: '', between: '', close: '', around };
  return {
    contentType: 'text/plain',
    frameBytes: 0,
    recordBytes: (record) => Buffer.byteLength(around(record).before) + record.bytes + 1,
    encode: (records) => recordBody(records, shape),
  };
}

const taggedLines = defineSink({
  format: 'tagged-lines',
  about: 'a tagged record a line',
  settings: {
    TAGGED_TAG: text({
      description: 'tagged-lines: the tag before each record; may contain {table}.',
      default: '{table}',
      template: true,
    }),
    TAGGED_SEPARATOR: text({ description: 'tagged-lines: the one character between tag and record.', default: '|' }),
  },
  maxBatchBytes: { default: 64 * 1024, max: 256 * 1024 },
  auth: { default: 'none' },
  url: { defaultPath: '/lines' },
  routeFields: ['url', 'index'],
  destination: (values) => ({ index: values.TAGGED_TAG }),
  parse(values, report) {
    if ([...values.TAGGED_SEPARATOR].length === 1) return { separator: values.TAGGED_SEPARATOR };
    report('TAGGED_SEPARATOR', `must be one character, got "${values.TAGGED_SEPARATOR}"`);
    return undefined;
  },
  create: (siem, router) =>
    protocolSink(siem, router, {
      format: taggedLinesFormat(router, siem.protocol.separator),
      classify: (response) => classifyResponse(response),
    }),
});

const WITH_TAGGED: readonly SinkDefinition[] = [...SINKS, taggedLines];

function problems(env: Environment, sinks: readonly SinkDefinition[]): string {
  try {
    loadConfig(env, { functionsApp: false, sinks });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

test("every protocol in the registry has its own format, its rows in the settings table, and limits within the setting's range", () => {
  assert.equal(new Set(SINKS.map((sink) => sink.format)).size, SINKS.length);
  const table: Readonly<Record<string, unknown>> = settings;
  for (const sink of SINKS) {
    assert.ok(settings.SIEM_FORMAT.description.includes(`${sink.format} (${sink.about})`), sink.format);
    for (const [name, row] of Object.entries(sink.settings)) assert.equal(table[name], row, `${sink.format}: ${name}`);
    const { default: bytes, max } = sink.maxBatchBytes;
    assert.ok(
      1024 <= bytes && bytes <= max && max <= 100 * 1024 * 1024,
      `${sink.format}: ${bytes} and ${max} within SIEM_MAX_BATCH_BYTES's range`,
    );
    assert.ok(sink.routeFields.includes('url'), `${sink.format} routes by url like SIEM_URL`);
  }
});

test('a protocol added to the registry joins the settings table, after the protocols before it, and the shared settings name it', () => {
  const names = Object.keys(settingsTable(WITH_TAGGED));
  const after = names.indexOf('SENTINEL_STREAM') + 1;
  assert.deepEqual(names.slice(after, after + 2), ['TAGGED_TAG', 'TAGGED_SEPARATOR']);
  assert.deepEqual(
    names.filter((name) => !name.startsWith('TAGGED_')),
    Object.keys(settings),
  );
  const table = settingsTable(WITH_TAGGED);
  assert.match(
    table.SIEM_FORMAT.description,
    /sentinel \(Azure Monitor Logs Ingestion API\) or tagged-lines \(a tagged record a line\)\.$/,
  );
  assert.match(
    table.SIEM_URL.description,
    /For splunk-hec, elastic-bulk and tagged-lines a bare host gets the protocol path/,
  );
  assert.match(table.SIEM_AUTH.description, /entra for sentinel, none for tagged-lines, else bearer\.$/);
  assert.match(table.SIEM_MAX_BATCH_BYTES.description, /ndjson and json 1048576, tagged-lines 65536 by default\.$/);
});

test('configuration takes a new protocol from its definition: its format, defaults, limits, destination and options', () => {
  const env = { SIEM_URL: 'https://lines.example.com', SIEM_FORMAT: 'tagged-lines' };
  assert.match(
    problems(env, SINKS),
    /SIEM_FORMAT must be one of ndjson, json, splunk-hec, elastic-bulk, sentinel, got "tagged-lines"/,
  );
  const config = loadConfig(env, { functionsApp: false, sinks: WITH_TAGGED });
  assert.equal(config.siem.format, 'tagged-lines');
  assert.deepEqual([config.siem.auth, config.secret], [{ mode: 'none' }, { kind: 'none' }]);
  assert.equal(config.siem.maxBatchBytes, 64 * 1024);
  assert.deepEqual(config.siem.destination, { url: 'https://lines.example.com/lines', index: '{table}' });
  assert.deepEqual(config.siem.protocol, { separator: '|' });
});

test("configuration checks a new protocol's own settings, its route fields, its templates and its limit, all in one error", () => {
  const message = problems(
    {
      SIEM_URL: 'https://lines.example.com',
      SIEM_FORMAT: 'tagged-lines',
      TAGGED_SEPARATOR: '::',
      TAGGED_TAG: '{tabel}',
      SIEM_ROUTES: '{"DeviceInfo":{"stream":"Custom-X"}}',
      SIEM_MAX_BATCH_BYTES: '300000',
    },
    WITH_TAGGED,
  );
  assert.match(message, /TAGGED_SEPARATOR must be one character, got "::"/);
  assert.match(message, /TAGGED_TAG uses \{tabel\}/);
  assert.match(
    message,
    /SIEM_ROUTES \.DeviceInfo\.stream does not apply to SIEM_FORMAT=tagged-lines, which routes by url, index/,
  );
  assert.match(message, /SIEM_MAX_BATCH_BYTES must not exceed 262144 for SIEM_FORMAT=tagged-lines/);
  // Its template is checked whatever the format, like every protocol's.
  assert.match(
    problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'none', TAGGED_TAG: '{tabel}' }, WITH_TAGGED),
    /TAGGED_TAG uses \{tabel\}/,
  );
});

test('the forwarder speaks a new protocol: its encoding, its path and its routes, every record delivered', async (t) => {
  const server = await startServer(() => ({ status: 200 }));
  t.after(() => server.close());
  const env = {
    SIEM_URL: server.url,
    SIEM_FORMAT: 'tagged-lines',
    TAGGED_SEPARATOR: '~',
    SIEM_ROUTES: '{"DeviceInfo":{"index":"assets"}}',
  };
  const forwarder = startForwarder(env, undefined, WITH_TAGGED);
  t.after(() => forwarder.close());
  const info = deviceInfo('d-1', 'Servers');
  const email = recordText({ table: 'EmailEvents', properties: '"NetworkMessageId":"n-1"' });
  const summary = await forwarder.run([body([info, email])]);
  assert.equal(summary.forwarded, 2);
  assert.ok(conserved(summary));
  const received = server.requests
    .map((request) => `${request.path} ${request.headers['content-type']} ${request.body}`)
    .sort();
  assert.deepEqual(received, [`/lines text/plain EmailEvents~${email}\n`, `/lines text/plain assets~${info}\n`]);
});
