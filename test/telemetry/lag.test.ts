import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMessage, ForwardRecord } from '../../shared/pipeline/types.js';
import { enqueuedLags, LAG_SAMPLES_PER_CATEGORY, recordLagSamples } from '../../shared/telemetry/lag.js';

const NOW = Date.parse('2026-07-18T15:00:00.000Z');

function record(category: string, time: string | undefined): ForwardRecord {
  return { text: '{}', bytes: 2, id: 'id', category, ...(time === undefined ? {} : { time }), source: {}, index: 0 };
}

test('record lag is now minus the record time, per category, from Defender\'s 7-digit times', () => {
  const samples = recordLagSamples(
    [record('A', '2026-07-18T14:59:00.0000000Z'), record('B', '2026-07-18T14:50:00.5000000Z'), record('A', '2026-07-18T14:58:30.0236840Z')],
    NOW,
  );
  assert.deepEqual(Object.fromEntries(samples), { A: [60_000, 89_977], B: [599_500] });
});

test('records without a readable time are left out, and a time ahead of the clock counts as no lag', () => {
  const samples = recordLagSamples([record('A', undefined), record('A', 'yesterday'), record('A', '2026-07-18T15:00:05.0000000Z')], NOW);
  assert.deepEqual(Object.fromEntries(samples), { A: [0] });
});

test('a large category is sampled evenly, and the sample always holds its oldest record', () => {
  // 10,000 records, oldest in the middle so an even stride would step over it.
  const ages = Array.from({ length: 10_000 }, (_, i) => (i === 5_001 ? 3_600_000 : 1_000 + (i % 100) * 10));
  const records = ages.map((age) => record('A', new Date(NOW - age).toISOString()));
  const sample = recordLagSamples(records, NOW).get('A')!;
  assert.equal(sample.length, LAG_SAMPLES_PER_CATEGORY);
  assert.equal(Math.max(...sample), 3_600_000);
  const others = sample.filter((lag) => lag !== 3_600_000);
  const mean = others.reduce((sum, lag) => sum + lag, 0) / others.length;
  assert.ok(Math.abs(mean - 1_495) < 100, `sample mean ${mean} against 1,495`);
});

test('enqueued lag is one value per message that has an enqueued time', () => {
  const messages: EventMessage[] = [
    { body: '', source: { enqueuedTime: '2026-07-18T14:59:59.000Z' } },
    { body: '', source: { file: 'a.json' } },
    { body: '', source: { enqueuedTime: '2026-07-18T14:59:00.000Z' } },
  ];
  assert.deepEqual(enqueuedLags(messages, NOW), [1_000, 60_000]);
});
