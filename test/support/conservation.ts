/**
 * The conservation law, record by record over RecordKeys: each record that came in was delivered or dead-lettered,
 * never neither and never both, and none is in two letters. Identical records share a key and are counted as
 * many; what arrived more often than it was sent counts as a duplicate (delivery is at-least-once).
 */
import assert from 'node:assert/strict';

export interface Tally {
  readonly in: number;
  readonly delivered: number;
  readonly deadLettered: number;
  readonly duplicates: number;
}

export function conservation(
  inputs: readonly string[],
  delivered: readonly string[],
  deadLettered: readonly string[],
): Tally {
  const arrived = counts(delivered);
  const letters = counts(deadLettered);
  const lost: string[] = [];
  const both: string[] = [];
  const twice: string[] = [];
  let duplicates = 0;
  let settled = 0;
  for (const [key, sent] of counts(inputs)) {
    const dead = letters.get(key) ?? 0;
    const got = arrived.get(key) ?? 0;
    const owed = sent - dead;
    if (owed < 0) twice.push(key);
    else if (got < owed) lost.push(key);
    else if (dead > 0 && got > owed) both.push(key);
    else duplicates += got - owed;
    settled += Math.min(dead, sent);
  }
  assert.deepEqual(lost, [], 'records neither delivered nor dead-lettered');
  assert.deepEqual(both, [], 'records both delivered and dead-lettered');
  assert.deepEqual(twice, [], 'a record is in two dead letters');
  return { in: inputs.length, delivered: inputs.length - settled, deadLettered: settled, duplicates };
}

function counts(keys: readonly string[]): Map<string, number> {
  const counted = new Map<string, number>();
  for (const key of keys) counted.set(key, (counted.get(key) ?? 0) + 1);
  return counted;
}
