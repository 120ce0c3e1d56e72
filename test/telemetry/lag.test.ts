import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMessage, ForwardRecord } from '../../shared/types/records.js';
import { enqueuedLags, LAG_SAMPLES_PER_INVOCATION, recordLagSamples } from '../../shared/telemetry/lag.js';

const NOW = Date.parse('2026-07-18T15:00:00.000Z');

function record(category: string, time: string | undefined): ForwardRecord {
  return {
    text: '{}',
    bytes: 2,
    received: '{}',
    category,
    ...(time === undefined ? {} : { time }),
    source: {},
    index: 0,
  };
}

test("record lag is now minus the record time, per category, from Defender's 7-digit times", () => {
  const samples = recordLagSamples(
    [
      record('A', '2026-07-18T14:59:00.0000000Z'),
      record('B', '2026-07-18T14:50:00.5000000Z'),
      record('A', '2026-07-18T14:58:30.0236840Z'),
    ],
    NOW,
  );
  assert.deepEqual(Object.fromEntries(samples), { A: [60_000, 89_977], B: [599_500] });
});

test('records without a readable time are left out, and a time ahead of the clock counts as no lag', () => {
  const samples = recordLagSamples(
    [record('A', undefined), record('A', 'yesterday'), record('A', '2026-07-18T15:00:05.0000000Z')],
    NOW,
  );
  assert.deepEqual(Object.fromEntries(samples), { A: [0] });
});

test('a large invocation is sampled evenly, each category in proportion to its share', () => {
  // 10,000 records: one in ten is category B; ages cycle through 1,000..1,990 ms.
  const records = Array.from({ length: 10_000 }, (_, i) =>
    record(i % 10 === 3 ? 'B' : 'A', new Date(NOW - 1_000 - (i % 100) * 10).toISOString()),
  );
  const samples = recordLagSamples(records, NOW);
  const [a, b] = [samples.get('A')!, samples.get('B')!];
  assert.equal(a.length + b.length, LAG_SAMPLES_PER_INVOCATION);
  assert.ok(
    Math.abs(b.length - LAG_SAMPLES_PER_INVOCATION / 10) <= 3,
    `B got ${b.length} of ${LAG_SAMPLES_PER_INVOCATION}`,
  );
  const mean = a.reduce((sum, lag) => sum + lag, 0) / a.length;
  assert.ok(Math.abs(mean - 1_495) < 50, `sample mean ${mean} against 1,495`);
});

test('enqueued lag is one value per message that has an enqueued time', () => {
  const messages: EventMessage[] = [
    { body: '', source: { enqueuedTime: '2026-07-18T14:59:59.000Z' } },
    { body: '', source: { file: 'a.json' } },
    { body: '', source: { enqueuedTime: '2026-07-18T14:59:00.000Z' } },
  ];
  assert.deepEqual(enqueuedLags(messages, NOW), [1_000, 60_000]);
});
