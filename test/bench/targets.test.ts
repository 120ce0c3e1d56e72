import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTargets } from '../../bench/targets.js';

test('a throughput goal is met by the median round, not by one lucky round', () => {
  const [ndjson, gzip] = checkTargets(
    [
      { name: 'ndjson', vsFloor: [1.9, 2.4, 1.95], bestVsFloor: 2.4 },
      { name: 'ndjson + gzip', vsFloor: [1.4, 1.5, 1.6], bestVsFloor: 1.6 },
    ],
    {},
  );
  assert.deepEqual([ndjson?.met, gzip?.met], [false, true]);
  assert.match(ndjson!.measured, /median 1\.95× \(rounds 1\.90–2\.40\), best × best 2\.40/);
});

test('the memory goal is met only when every run stays under 400 MB, and says how many did', () => {
  const [memory] = checkTargets([], { ndjson: [383, 401, 390], 'ndjson + gzip': [362, 364] });
  assert.equal(memory?.met, false);
  assert.match(memory!.measured, /ndjson 383\.00–401\.00 MB, ndjson \+ gzip 362\.00–364\.00 MB; under in 4 of 5 runs/);
  assert.equal(checkTargets([], { ndjson: [383, 399.9] })[0]?.met, true);
});

test('a run limited to some configurations checks only the goals it measured', () => {
  const checks = checkTargets(
    [
      { name: 'json', vsFloor: [3] },
      { name: 'ndjson + gzip', vsFloor: [1.2] },
    ],
    {},
  );
  assert.deepEqual(
    checks.map((check) => [check.goal, check.met]),
    [['ndjson + gzip at least 1.5× its floor', false]],
  );
});
