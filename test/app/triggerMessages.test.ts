/**
 * The trigger metadata as the library hands it over after converting the host's typed data (see
 * test/functions/workerSeam.test.ts for the whole path): times without a zone are UTC whatever TZ says, and 64-bit
 * sequence numbers arrive as Long objects flattened to {low, high, unsigned}.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostLong, hostUtcTime, kindOf } from '../../shared/app/triggerMessages.js';

test('a host time with no zone designator is UTC, with its fraction cut to milliseconds', () => {
  assert.equal(hostUtcTime('2026-11-23T09:00:00.1234567'), '2026-11-23T09:00:00.123Z');
  assert.equal(hostUtcTime('2026-11-23T09:00:00'), '2026-11-23T09:00:00.000Z');
  assert.equal(hostUtcTime('2026-11-23T09:00:00.5'), '2026-11-23T09:00:00.500Z');
  assert.equal(hostUtcTime('2026-11-23T18:00:00.25+09:00'), '2026-11-23T09:00:00.250Z');
  assert.equal(hostUtcTime('2026-11-23T09:00:00.123Z'), '2026-11-23T09:00:00.123Z');
  assert.equal(hostUtcTime('not a time'), 'not a time');
});

test('sequence numbers: numbers, numeric strings and Longs past 2^32, flattened or not', () => {
  assert.equal(hostLong({ low: 5, high: 1, unsigned: false }), 2 ** 32 + 5);
  assert.equal(hostLong({ low: -1, high: 0, unsigned: false }), 2 ** 32 - 1);
  assert.equal(hostLong('4294967301'), 4294967301);
  assert.equal(hostLong(17), 17);
  assert.equal(hostLong(undefined), undefined);
  assert.equal(hostLong({}), undefined);
});

test('a body is bytes, text, or something the host already parsed', () => {
  assert.deepEqual([Buffer.from('{}'), new Uint8Array(2), '{}', { records: [] }, null].map(kindOf), [
    'bytes',
    'bytes',
    'text',
    'parsed',
    'parsed',
  ]);
});
