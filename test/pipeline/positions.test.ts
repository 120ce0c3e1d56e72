import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandRuns, positionOf, positionRuns, positionsText } from '../../shared/pipeline/positions.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, keyedRecord } from '../support/records.js';

/** Two messages of the same three records, two tables interleaved. */
function read() {
  const messages = [41, 42].map((sequenceNumber) => ({
    body: body([keyedRecord('same'), keyedRecord('other', 'DeviceEvents'), keyedRecord('same')]),
    source: {
      hub: 'hub',
      partition: '3',
      sequenceNumber,
      offset: String(sequenceNumber * 1024),
      enqueuedTime: '2026-11-23T09:00:00.000Z',
    },
  }));
  return unpackMessages(messages, { maxRecordBytes: 1 << 20 }).records;
}

test('identical records are told apart by where they sit; the same records read again sit in the same places', () => {
  const records = read();
  const same = records.filter((record) => record.category.endsWith('ProcessEvents'));
  assert.equal(new Set(same.map((record) => record.text)).size, 1);
  assert.notEqual(positionsText(same.slice(0, 2)), positionsText(same.slice(2)));
  assert.equal(
    positionsText(read().filter((record) => record.category.endsWith('ProcessEvents'))),
    positionsText(same),
  );
});

test('positions stored in a dead letter read back the same, however the batch interleaved its messages', () => {
  const batch = read().filter((record) => record.category.endsWith('ProcessEvents'));
  const stored = JSON.parse(JSON.stringify(positionRuns(batch.map(positionOf)))) as unknown;
  assert.deepEqual(stored, [
    { first: 0, last: 0, hub: 'hub', partition: '3', sequenceNumber: 41 },
    { first: 2, last: 2, hub: 'hub', partition: '3', sequenceNumber: 41 },
    { first: 0, last: 0, hub: 'hub', partition: '3', sequenceNumber: 42 },
    { first: 2, last: 2, hub: 'hub', partition: '3', sequenceNumber: 42 },
  ]);
  const from = expandRuns(stored, batch.length)!;
  // As redrive reads them: from the letter, each at its place there, carrying where it first sat.
  const redriven = batch.map((record, index) => ({
    ...record,
    source: { letter: 'x.json' },
    index,
    from: from[index]!,
  }));
  assert.equal(positionsText(redriven), positionsText(batch));
});

test('stored positions that do not match the records one for one are not used', () => {
  const run = { hub: 'hub', first: 0, last: 1 };
  assert.equal(expandRuns([run], 3), undefined);
  assert.equal(expandRuns([run, run], 3), undefined);
  assert.equal(expandRuns([{ first: 2, last: 1 }], 0), undefined);
  assert.equal(expandRuns('0-1', 2), undefined);
  assert.deepEqual(
    expandRuns([run], 2)?.map((position) => position.index),
    [0, 1],
  );
});
