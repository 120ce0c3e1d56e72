import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartitionHolds } from '../../shared/app/holdPolicy.js';

const HOUR = 60 * 60_000;
const failing = { pending: 10, siemUnavailable: true };
const delivered = { pending: 0, siemUnavailable: false };
const drained = { pending: 0, siemUnavailable: true };

/** One invocation on `partition` that started at `at` and ended with `outcome`. */
function invocation(holds: PartitionHolds, partition: string, outcome: typeof failing, at: number): void {
  holds.end(partition, holds.begin(partition), outcome, at);
}

test('a partition is held until the SIEM has failed it for the whole hold, measured from the first failure', () => {
  let now = 0;
  const holds = new PartitionHolds(HOUR, () => now);
  let decision = holds.begin('hub/0');
  assert.equal(decision.finalAttempt, false);
  holds.end('hub/0', decision, failing, now);
  now += HOUR - 1;
  decision = holds.begin('hub/0');
  assert.deepEqual([decision.finalAttempt, decision.heldMs], [false, HOUR - 1]);
  holds.end('hub/0', decision, failing, now);
  now += 1;
  assert.equal(holds.begin('hub/0').finalAttempt, true);
});

/** Holds whose partition hub/0 the SIEM failed at time 0, with the clock at one hour. */
function anHourIntoAnOutage(): { holds: PartitionHolds; clock: { now: number } } {
  const clock = { now: 0 };
  const holds = new PartitionHolds(HOUR, () => clock.now);
  invocation(holds, 'hub/0', failing, 0);
  clock.now = HOUR;
  return { holds, clock };
}

test('past the hold, later invocations of the same outage dead-letter at once; one that gets through ends it', () => {
  const { holds, clock } = anHourIntoAnOutage();
  invocation(holds, 'hub/0', drained, clock.now);
  clock.now += 1000;
  const next = holds.begin('hub/0');
  assert.equal(next.finalAttempt, true, 'the SIEM is still down: no new hour for the next batch');
  holds.end('hub/0', next, delivered, clock.now);
  assert.deepEqual([holds.begin('hub/0').finalAttempt, holds.begin('hub/0').heldMs], [false, 0]);
});

test('partitions are held independently', () => {
  const { holds, clock } = anHourIntoAnOutage();
  invocation(holds, 'hub/1', delivered, clock.now);
  assert.equal(holds.begin('hub/0').finalAttempt, true);
  assert.equal(holds.begin('hub/1').finalAttempt, false);
});

test('a hold of 0 dead-letters at once', () => {
  assert.equal(new PartitionHolds(0).begin('hub/0').finalAttempt, true);
});

test('settled records are kept while the same invocation will be retried, and dropped once it completes', () => {
  const holds = new PartitionHolds(HOUR, () => 0);
  const first = holds.begin('hub/0');
  holds.end('hub/0', first, failing, 0);
  assert.equal(holds.begin('hub/0').settled, first.settled);
  holds.end('hub/0', first, undefined, 0);
  assert.equal(holds.begin('hub/0').settled, first.settled, 'a failed dead-letter write is retried too');
  holds.end('hub/0', first, delivered, 0);
  assert.notEqual(holds.begin('hub/0').settled, first.settled);
});
