import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deadLetterName,
  encodeDeadLetter,
  readDeadLetterMeta,
  type DeadLetter,
} from '../../shared/deadletter/entry.js';
import { idOf } from '../../shared/pipeline/recordId.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { keyedRecord } from '../support/records.js';

const records = [
  keyedRecord('a'),
  '{"category":"AdvancedHunting-DeviceEvents","properties":{"ReportId":639199803770463703}}',
];

function letter(overrides: Partial<DeadLetter['meta']> = {}, content = records): DeadLetter {
  return {
    meta: {
      reason: 'siem-rejected',
      detail: 'the SIEM refused the records: bad request',
      category: 'AdvancedHunting-DeviceProcessEvents',
      status: 400,
      responseExcerpt: '{"error":"bad"}',
      attempts: 3,
      failedAt: '2026-11-23T09:15:00.000Z',
      source: { hub: 'hub', partition: '3', sequenceNumbers: [41, 42], enqueuedTime: '2026-11-23T09:00:01.234Z' },
      recordIds: ['0'.repeat(32), '1'.repeat(32)],
      ...overrides,
    },
    records: content,
  };
}

test('a letter is one JSON document: its why, then the records byte for byte, as a message body', () => {
  const text = encodeDeadLetter(letter());
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.equal(parsed.reason, 'siem-rejected');
  assert.equal(parsed.status, 400);
  assert.deepEqual(parsed.source, {
    hub: 'hub',
    partition: '3',
    sequenceNumbers: [41, 42],
    enqueuedTime: '2026-11-23T09:00:01.234Z',
  });
  assert.ok(
    text.endsWith(`"records":[${records.join(',')}]}`),
    'records are the original text, 19-digit numbers included',
  );
  const unpacked = unpackMessages([{ body: text, source: {} }], { maxRecordBytes: 1 << 20 });
  assert.deepEqual(
    unpacked.records.map((record) => record.text),
    records,
  );
  assert.deepEqual(unpacked.records.map(idOf), ['0'.repeat(32), '1'.repeat(32)], 'the ids the records first had');
  assert.equal(readDeadLetterMeta(text)?.attempts, 3);
});

test('a body that was not JSON is kept as a string beside an empty records array', () => {
  const text = encodeDeadLetter({
    meta: letter({ reason: 'invalid-json' }).meta,
    records: [],
    rawBody: '{"records":[tru',
  });
  assert.equal((JSON.parse(text) as { rawBody: string }).rawBody, '{"records":[tru');
  assert.equal(readDeadLetterMeta(text)?.rawBody, '{"records":[tru');
  assert.equal(readDeadLetterMeta('not json'), undefined);
  assert.equal(readDeadLetterMeta('{"records":[]}'), undefined, 'a body without a reason is not a dead letter');
});

test('a body that was not UTF-8 is kept as its bytes in base64, and names another letter than its text would', () => {
  const bytes = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64');
  const text = encodeDeadLetter({ meta: letter({ reason: 'invalid-json' }).meta, records: [], rawBodyBase64: bytes });
  assert.equal((JSON.parse(text) as { rawBodyBase64: string }).rawBodyBase64, bytes);
  assert.equal(readDeadLetterMeta(text)?.rawBodyBase64, bytes);
  const meta = letter({ reason: 'invalid-json' }).meta;
  assert.notEqual(
    deadLetterName({ meta, records: [], rawBodyBase64: bytes }),
    deadLetterName({ meta, records: [], rawBodyBase64: 'e30=' }),
  );
});

test('names sort by the time the data was enqueued, name the category and reason, and repeat for the same failure', () => {
  const name = deadLetterName(letter());
  assert.match(
    name,
    /^2026\/11\/23\/2026-11-23T090001234Z-AdvancedHunting-DeviceProcessEvents-siem-rejected-[0-9a-f]{16}\.json$/,
  );
  assert.equal(
    deadLetterName(letter({ failedAt: '2026-11-23T10:00:00.000Z', attempts: 9 })),
    name,
    'a retried invocation overwrites',
  );
  const later = deadLetterName(
    letter({ source: { ...letter().meta.source, enqueuedTime: '2026-11-23T09:00:02.000Z' } }),
  );
  assert.ok(later > name);
  assert.match(
    deadLetterName(letter({ source: {} })),
    /^2026\/11\/23\/2026-11-23T091500000Z-/,
    'no enqueued time: when it failed',
  );
});

test('the same content from another message or another reason gets another name', () => {
  const name = deadLetterName(letter());
  assert.notEqual(deadLetterName(letter({ source: { ...letter().meta.source, sequenceNumbers: [43] } })), name);
  assert.notEqual(deadLetterName(letter({ reason: 'siem-unavailable' })), name);
  assert.notEqual(deadLetterName(letter({}, [records[0]!])), name);
});

test('two letters of the same records from the same message, at other positions, get other names', () => {
  const at = (first: number, last: number) =>
    letter({ positions: [{ hub: 'hub', partition: '3', sequenceNumber: 41, first, last }] });
  assert.notEqual(deadLetterName(at(0, 1)), deadLetterName(at(2, 3)));
  assert.equal(deadLetterName(at(0, 1)), deadLetterName(at(0, 1)), 'the same positions, the same name');
});

test('a long or odd category is cut and tamed in the name; the hash keeps such letters apart', () => {
  const name = deadLetterName(letter({ category: `AdvancedHunting-${'x'.repeat(2000)}/../\ud800` }));
  assert.match(name, /^2026\/11\/23\/2026-11-23T090001234Z-AdvancedHunting-x{64}-siem-rejected-[0-9a-f]{16}\.json$/);
});
