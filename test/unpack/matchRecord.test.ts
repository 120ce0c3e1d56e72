import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DefenderTraffic } from '../../bench/generate.js';
import { JsonScanner, JsonSyntaxError } from '../../shared/unpack/jsonScanner.js';
import { matchRecord } from '../../shared/unpack/matchRecord.js';
import { RepeatedValues, scanRecord, type RecordFields } from '../../shared/unpack/scanRecord.js';
import { mutate, seededRandom } from '../support/random.js';
import { deviceEvent, deviceInfo } from '../support/records.js';

interface Read {
  readonly fields: RecordFields;
  readonly end: number;
}

function matched(text: string): Read | undefined {
  const scanner = new JsonScanner(text);
  const fields = matchRecord(scanner, new RepeatedValues());
  if (fields === undefined) {
    assert.equal(scanner.pos, 0, 'a record left to the cursor leaves the cursor where it was');
    return undefined;
  }
  return { fields, end: scanner.pos };
}

/** What the cursor reads, or the syntax error it finds. */
function scanned(text: string): Read | JsonSyntaxError {
  try {
    const scanner = new JsonScanner(text);
    const fields = scanRecord(scanner, new RepeatedValues());
    return { fields, end: scanner.pos };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
}

function records(count: number): string[] {
  const traffic = new DefenderTraffic({ seed: 11, devices: 50 });
  const found: string[] = [];
  while (found.length < count)
    found.push(
      ...(JSON.parse(traffic.message(64 * 1024)) as { records: unknown[] }).records.map((record) =>
        JSON.stringify(record),
      ),
    );
  return found;
}

test('reads every generated Defender record as the cursor does: fields, MachineGroup slot and end', () => {
  const texts = [
    ...records(400),
    deviceInfo('d-1', 'Tier0'),
    deviceInfo('d-2', null),
    deviceEvent('d-3', 'absent'),
    deviceEvent('d-4', 'null'),
  ];
  let vouched = 0;
  for (const text of texts) {
    const fast = matched(text);
    if (fast === undefined) continue;
    vouched++;
    assert.deepEqual(fast, scanned(text), text.slice(0, 200));
    assert.equal(fast.end, text.length);
  }
  assert.ok(
    vouched >= texts.length - 4,
    `the patterns vouch for nearly every real-shaped record (${vouched} of ${texts.length})`,
  );
});

test('never vouches for text JSON.parse refuses, and agrees with the cursor on thousands of mutated records', () => {
  const base = records(3).map((text) => `${text.slice(0, 1500).replace(/,"[^"]*":[^,]*$/, '')}}}`);
  const random = seededRandom(7);
  const alphabet = [
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '0',
    '-',
    '.',
    'e',
    'u',
    'n',
    ' ',
    '\t',
    '\n',
    '\u0001',
    'a',
    'é',
  ];
  let agreed = 0;
  for (let i = 0; i < 4000; i++) {
    const mutated = mutate(base[i % base.length]!, random, alphabet);
    const fast = matched(mutated);
    if (fast === undefined) continue;
    assert.doesNotThrow(
      () => JSON.parse(mutated.slice(0, fast.end)),
      `vouched for invalid JSON: ${JSON.stringify(mutated)}`,
    );
    assert.deepEqual(fast, scanned(mutated), JSON.stringify(mutated));
    agreed++;
  }
  assert.ok(agreed > 500, `enough mutations stay valid to compare (${agreed})`);
});

test('leaves to the cursor what the patterns do not spell out: deep nesting, line breaks, a properties that is not an object', () => {
  let deep = '1';
  for (let i = 0; i < 8; i++) deep = `[${deep}]`;
  const leftOver = [
    `{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceId":"d","AdditionalFields":${deep}}}`,
    '{"category":"AdvancedHunting-DeviceEvents",\n  "properties":{"DeviceId":"d"}}',
    '{"category":"AdvancedHunting-DeviceEvents","properties":null}',
  ];
  for (const text of leftOver) {
    assert.equal(matched(text), undefined, text);
    assert.ok(!(scanned(text) instanceof JsonSyntaxError), 'the cursor reads it');
  }
});

test('values written with escapes, non-string values and repeated keys read as the cursor reads them', () => {
  const texts = [
    '{"category":"AdvancedHunting-Device\\u0045vents","tenantId":"t","properties":{"DeviceId":"d\\"1","DeviceName":"h\\u00e9","MachineGroup":"G\\\\1"}}',
    '{"category":7,"time":null,"properties":{"DeviceId":"d","MachineGroup":{"name":"x"}}}',
    '{"category":"a","category":"b","properties":{"DeviceId":"x","DeviceId":"y","MachineGroup":null}}',
    '{"category":"c","properties":{}}',
    '{ "category" : "c" , "properties" : { "DeviceId" : "d" } }',
    '{"category":"c","properties":{"DeviceId":"d","Name":"a"},"Tenant":"t"}',
    '{"category":"c","properties":{"DeviceId":"d","MachineGroup":"Shadowed"},"properties":{"x":1}}',
  ];
  // Names written with escapes mean what they decode to; the patterns leave such records to the cursor.
  const escaped = '{"cat\\u0065gory":"A","properties":{"Device\\u0049d":"d","Machine\\u0047roup":"Keep"}}';
  assert.equal(matched(escaped), undefined);
  const read = scanned(escaped);
  assert.ok(!(read instanceof JsonSyntaxError));
  assert.equal(read.fields.category, 'A');
  assert.deepEqual(read.fields.device?.machineGroup, { kind: 'value', value: 'Keep' });
  for (const text of texts) assert.deepEqual(matched(text), scanned(text), text);
  // JSON.parse keeps the last of repeated members: a device in an earlier properties is not the record's.
  assert.equal(matched(texts[6]!)?.fields.device, undefined);
  assert.deepEqual(matched(texts[0]!)?.fields.device?.deviceId, 'd"1');
  const nullAt = texts[2]!.indexOf('null');
  assert.deepEqual(matched(texts[2]!)?.fields.device?.machineGroup, { kind: 'null', start: nullAt, end: nullAt + 4 });
  const spaced = texts[4]!;
  assert.deepEqual(matched(spaced)?.fields.device?.machineGroup, {
    kind: 'absent',
    insertAt: spaced.length - 3,
    firstMember: false,
  });
});

test('records with text beyond ASCII anywhere are read by the patterns, as the cursor reads them', () => {
  const event = (properties: string, outside = '') =>
    `{"category":"AdvancedHunting-DeviceFileEvents"${outside},"properties":{"DeviceId":"d",${properties}"MachineGroup":"G"}}`;
  const texts = [
    event('', ',"Tenant":"Zürich"'),
    event('"FolderPath":"C:\\\\Users\\\\jürgen\\\\Überweisung.pdf",'),
    event('"DeviceName":"poste-é",'),
    event('"AdditionalFields":{"Names":["a",{"n":"名前"}]},'),
    event('"Emoji":"\\ud83d\\ude00 😀",'),
  ];
  for (const text of texts) {
    const fast = matched(text);
    assert.ok(fast, `the patterns vouch for it: ${text}`);
    assert.deepEqual(fast, scanned(text), text);
  }
  assert.equal(matched(texts[2]!)?.fields.device?.deviceName, 'poste-é');
});

test('of repeated members the last is read, as JSON.parse reads it, whatever it holds', () => {
  const texts = [
    '{"tenantId":"A","category":"c","properties":{},"tenantId":null}',
    '{"tenantId":"A","category":"c","tenantId":7,"time":"t1","time":{"at":1}}',
    '{"tenantId":null,"category":"c","tenantId":"B","time":false,"time":"t2"}',
    '{"category":"c","properties":{"DeviceId":"d","DeviceId":null}}',
    '{"category":"c","properties":{"DeviceId":"d","DeviceName":"h","Timestamp":"t","DeviceName":1,"Timestamp":[]}}',
    '{"category":"c","category":null}',
  ];
  const fromParse = (text: string) => {
    const record = JSON.parse(text) as Record<string, unknown> & { properties?: Record<string, unknown> };
    const string = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
      category: string(record.category),
      tenantId: string(record.tenantId),
      time: string(record.time),
      deviceId: string(record.properties?.DeviceId),
      deviceName: string(record.properties?.DeviceName),
      timestamp: string(record.properties?.Timestamp),
    };
  };
  const fieldsOf = (read: Read | JsonSyntaxError | undefined) => {
    assert.ok(read && !(read instanceof JsonSyntaxError));
    const { fields } = read;
    return {
      category: typeof fields.category === 'string' ? fields.category : undefined,
      tenantId: fields.tenantId,
      time: fields.time,
      deviceId: fields.device?.deviceId,
      deviceName: fields.device?.deviceName,
      timestamp: fields.device?.timestamp,
    };
  };
  for (const text of texts) {
    assert.deepEqual(fieldsOf(matched(text)), fromParse(text), `patterns: ${text}`);
    assert.deepEqual(fieldsOf(scanned(text)), fromParse(text), `cursor: ${text}`);
  }
});
