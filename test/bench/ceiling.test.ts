import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unpackBatchAndEncode } from '../../bench/ceiling.js';
import { DefenderTraffic } from '../../bench/generate.js';
import { ndjsonFormat } from '../../shared/sinks/webhook/ndjson.js';

test('the ceiling reads every record and encodes all of its bytes, whatever the batch limits', () => {
  const traffic = new DefenderTraffic({ seed: 5, devices: 50 });
  const texts = Array.from({ length: 60 }, () => traffic.record());
  const bodies = [texts.slice(0, 25), texts.slice(25)].map((part) => Buffer.from(`{"records":[${part.join(',')}]}`));
  const expectedBytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text) + 1, 0);
  const largest = Math.max(...texts.map((text) => Buffer.byteLength(text) + 1));

  const oneBatchEach = unpackBatchAndEncode(bodies, ndjsonFormat, { maxBytes: 1 << 20, maxRecords: 500 });
  const manyBatches = unpackBatchAndEncode(bodies, ndjsonFormat, { maxBytes: largest, maxRecords: 3 });

  assert.deepEqual(oneBatchEach, { records: 60, outputBytes: expectedBytes });
  assert.deepEqual(manyBatches, { records: 60, outputBytes: expectedBytes });
});
