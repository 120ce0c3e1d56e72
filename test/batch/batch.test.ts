import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, batchRecords, maxRecordBytes } from '../../shared/batch/batch.js';
import { jsonArrayFormat } from '../../shared/sinks/jsonArray.js';
import type { Batch } from '../../shared/types/records.js';
import { ndjsonFormat } from '../../shared/sinks/webhook/ndjson.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { body, deviceEvent, deviceInfo, keyedRecord, recordText } from '../support/records.js';

const records = unpackMessages(
  [
    {
      body: body([
        deviceInfo('a', 'g'),
        deviceEvent('a', 'null'),
        deviceInfo('b', 'g'),
        deviceEvent('b', 'null'),
        deviceInfo('c', 'g'),
      ]),
      source: {},
    },
  ],
  { maxRecordBytes: 1 << 20 },
).records;

test('each batch holds one category, in arrival order', () => {
  const batches = batchRecords(records, ndjsonFormat, { maxBytes: 1 << 20, maxRecords: 500 });
  assert.deepEqual(
    batches.map((batch) => [batch.category, batch.records.length]),
    [
      ['AdvancedHunting-DeviceInfo', 3],
      ['AdvancedHunting-DeviceProcessEvents', 2],
    ],
  );
  assert.deepEqual(
    batches[0]?.records.map((record) => record.index),
    [0, 2, 4],
  );
});

test('batches are cut at the record limit', () => {
  const batches = batchRecords(records, ndjsonFormat, { maxBytes: 1 << 20, maxRecords: 2 });
  assert.deepEqual(
    batches.map((batch) => batch.records.length),
    [2, 2, 1],
  );
});

test('batches are cut at the byte limit, counted as the encoded body, and the count is exact', () => {
  for (const format of [ndjsonFormat, jsonArrayFormat]) {
    const infoBytes = format.recordBytes(records[0]!);
    const limit = format.frameBytes + 2 * infoBytes;
    const batches = batchRecords(records, format, { maxBytes: limit, maxRecords: 500 });
    for (const batch of batches) {
      const encoded = format.encode(batch.records).length;
      assert.ok(encoded <= limit, `${encoded} > ${limit}`);
      assert.equal(batch.bytes, encoded);
    }
    assert.deepEqual(
      batches.filter((b) => b.category.endsWith('DeviceInfo')).map((b) => b.records.length),
      [2, 1],
    );
  }
});

test('the largest record one request can carry makes a request of exactly maxBytes', () => {
  const limits = { maxBytes: 4096, maxRecords: 500 };
  for (const format of [ndjsonFormat, jsonArrayFormat]) {
    const text = keyedRecord('exact', 'DeviceEvents', maxRecordBytes(format, limits));
    const [record] = unpackMessages([{ body: body([text]), source: {} }], {
      maxRecordBytes: maxRecordBytes(format, limits),
    }).records;
    assert.equal(format.encode([record!]).length, limits.maxBytes, format.contentType);
  }
});

test('records of two tenants never share a batch, even on the same route', () => {
  const tenantB = '0d6c6a0e-3a8f-4c59-9d7e-2b3f7f1e9a11';
  const mixed = unpackMessages(
    [
      {
        body: body([
          recordText({ table: 'DeviceEvents' }),
          recordText({ table: 'DeviceEvents', tenantId: tenantB }),
          recordText({ table: 'DeviceEvents' }),
        ]),
        source: {},
      },
    ],
    { maxRecordBytes: 1 << 20 },
  ).records;
  const batches = batchRecords(mixed, ndjsonFormat, { maxBytes: 1 << 20, maxRecords: 500 }, () => 'one-route');
  assert.deepEqual(
    batches.map((batch) => batch.records.map((record) => record.index)),
    [[0, 2], [1]],
  );
});

test('a batch is handed on as soon as the next record would not fit, the rest at flush', () => {
  const handed: Batch[] = [];
  const batcher = new Batcher(
    ndjsonFormat,
    { maxBytes: 1 << 20, maxRecords: 2 },
    (record) => record.category,
    (batch) => handed.push(batch),
  );
  const indexes = () => handed.map((batch) => batch.records.map((record) => record.index));
  for (const record of records) batcher.add(record);
  assert.deepEqual(indexes(), [[0, 2]], 'the third DeviceInfo record closed the first two');
  batcher.flush();
  assert.deepEqual(indexes(), [[0, 2], [1, 3], [4]]);
  batcher.flush();
  assert.equal(handed.length, 3, 'nothing is handed on twice');
});
