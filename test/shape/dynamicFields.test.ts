import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { forward } from '../../shared/pipeline/forward.js';
import { shapeRecordText } from '../../shared/shape/dynamicFields.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { body, recordText } from '../support/records.js';

/** A property's JSON text as Defender writes a dynamic column: the JSON, inside a string. */
const embedded = (json: string) => JSON.stringify(json);

test('a JSON-in-a-string column becomes JSON, spliced as text so big numbers keep every digit', () => {
  const inner =
    '{"BaseAddress":20987381678081234567891,"Ratio":0.10000000000000000555,"Nested":{"List":[1,"a\\"b",null]}}';
  const text = recordText({
    table: 'DeviceEvents',
    properties: `"DeviceId":"d1","AdditionalFields":${embedded(inner)},"ReportId":639199803770463703`,
  });
  const shaped = shapeRecordText(text);
  assert.equal(shaped, text.replace(embedded(inner), inner));
  const parsed = JSON.parse(shaped) as { properties: { AdditionalFields: { Nested: { List: unknown[] } } } };
  assert.deepEqual(parsed.properties.AdditionalFields.Nested.List, [1, 'a"b', null]);
});

test('arrays and several columns in one record, as DeviceNetworkInfo and AlertEvidence send them', () => {
  const addresses = '[{"IPAddress":"10.1.2.3","SubnetPrefix":24,"AddressType":"Private"}]';
  const gateways = '[null]';
  const text = recordText({
    table: 'DeviceNetworkInfo',
    properties: `"DeviceId":"d1","IPAddresses":${embedded(addresses)},"NetworkAdapterName":"{31D7786C-13B8-421D-A3D8-308787B9A9FF}","DefaultGateways":${embedded(gateways)}`,
  });
  assert.equal(
    shapeRecordText(text),
    text.replace(embedded(addresses), addresses).replace(embedded(gateways), gateways),
  );
});

test('what is not a JSON object or array, or not a dynamic column, stays exactly as it came', () => {
  const kept = [
    `"AdditionalFields":"{not json}"`,
    `"AttackTechniques":""`,
    `"Categories":"123"`,
    `"AdditionalFields":null`,
    `"AdditionalFields":{"AlreadyAn":"object"}`,
    `"ProcessCommandLine":${embedded('["looks","like","json"]')}`,
    `"LoggedOnUsers":${embedded('[{"UserName":"rob"}] trailing')}`,
  ];
  for (const member of kept) {
    const text = recordText({ table: 'DeviceInfo', properties: `"DeviceId":"d1",${member}` });
    assert.equal(shapeRecordText(text), text, member);
  }
});

test('pretty-printed JSON inside a string still ends as one line', () => {
  const inner = '{\r\n  "Terminal": "/dev/console",\n  "PosixUserId": 503\n}';
  const text = recordText({
    table: 'DeviceLogonEvents',
    properties: `"DeviceId":"d1","AdditionalFields":${embedded(inner)}`,
  });
  const shaped = shapeRecordText(text);
  assert.doesNotMatch(shaped, /[\r\n]/);
  assert.deepEqual((JSON.parse(shaped) as { properties: { AdditionalFields: unknown } }).properties.AdditionalFields, {
    Terminal: '/dev/console',
    PosixUserId: 503,
  });
});

let siem: TestServer;
before(async () => {
  siem = await startServer(() => ({ status: 200, body: {} }));
});
after(() => siem.close());

async function forwardWith(settings: Record<string, string>, records: readonly string[]): Promise<string[]> {
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-dead-')),
      ...settings,
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  const from = siem.requests.length;
  try {
    await forward(pipeline, [{ body: body(records), source: {} }], {
      deadline: Date.now() + 30_000,
      finalAttempt: true,
    });
  } finally {
    await close();
  }
  return siem.requests.slice(from).flatMap(ndjsonLines);
}

test('PARSE_DYNAMIC_FIELDS=true shapes Device* and AlertEvidence records only; off, every byte stays', async () => {
  const fields = embedded('{"FileType":"PortableExecutable"}');
  const device = recordText({
    table: 'DeviceFileEvents',
    properties: `"DeviceId":"d1","MachineGroup":"Servers","AdditionalFields":${fields}`,
  });
  const alert = recordText({
    table: 'AlertEvidence',
    properties: `"DeviceId":"d1","MachineGroup":"Servers","Categories":${embedded('["Execution"]')}`,
  });
  const identity = recordText({ table: 'IdentityLogonEvents', properties: `"AdditionalFields":${fields}` });

  const shaped = await forwardWith({ PARSE_DYNAMIC_FIELDS: 'true' }, [device, alert, identity]);
  assert.deepEqual(
    shaped.sort(),
    [
      alert.replace(embedded('["Execution"]'), '["Execution"]'),
      device.replace(fields, '{"FileType":"PortableExecutable"}'),
      identity,
    ].sort(),
  );

  const untouched = await forwardWith({}, [device, alert, identity]);
  assert.deepEqual(untouched.sort(), [device, alert, identity].sort());
});
