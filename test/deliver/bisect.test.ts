import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bisect } from '../../shared/deliver/bisect.js';
import type { Retried } from '../../shared/deliver/retrying.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import { forwardRecords, indexes } from '../support/scripted.js';

const tooLarge = { kind: 'reject', reason: 'payload too large', status: 413, split: true } as const;
const unprocessable = { kind: 'reject', reason: 'HTTP 422', status: 422, split: false } as const;

/** A SIEM that answers `refusal` to every part holding one of `poison` and takes the rest; keeps each part sent. */
function siem(poison: readonly number[], refusal: Retried['sent'] = tooLarge) {
  const parts: number[][] = [];
  const send = async (records: readonly ForwardRecord[]): Promise<Retried> => {
    parts.push(indexes(records));
    const refused = records.some((record) => poison.includes(record.index));
    return { sent: refused ? refusal : { kind: 'delivered' }, records, attempts: 1 };
  };
  return Object.assign(send, { parts });
}

/** Each part's final answer, as bisect yields them, with the parts sent so far when it was yielded. */
async function finals(records: readonly ForwardRecord[], send: ReturnType<typeof siem>) {
  const all: Array<[number[], string, number]> = [];
  for await (const { records: part, sent } of bisect(records, send))
    all.push([indexes(part), sent.kind, send.parts.length]);
  return all;
}

test('a refusal halving may help is halved until the refusing records stand alone; the others go through in parts', async () => {
  const send = siem([2, 5]);
  assert.deepEqual(await finals(forwardRecords(8), send), [
    [[0, 1], 'delivered', 3],
    [[2], 'reject', 5],
    [[3], 'delivered', 6],
    [[4], 'delivered', 9],
    [[5], 'reject', 10],
    [[6, 7], 'delivered', 11],
  ]);
  assert.deepEqual(send.parts, [
    [0, 1, 2, 3, 4, 5, 6, 7],
    [0, 1, 2, 3],
    [0, 1],
    [2, 3],
    [2],
    [3],
    [4, 5, 6, 7],
    [4, 5],
    [4],
    [5],
    [6, 7],
  ]);
});

test('an odd part is halved with the larger half first', async () => {
  const send = siem([0]);
  await finals(forwardRecords(5), send);
  assert.deepEqual(send.parts.slice(0, 3), [
    [0, 1, 2, 3, 4],
    [0, 1, 2],
    [0, 1],
  ]);
});

test('a refusal halving cannot help is final for the whole part, and so is any refusal of one record', async () => {
  const whole = siem([1], unprocessable);
  assert.deepEqual(await finals(forwardRecords(4), whole), [[[0, 1, 2, 3], 'reject', 1]]);
  const alone = siem([0]);
  assert.deepEqual(await finals(forwardRecords(1), alone), [[[0], 'reject', 1]]);
});

test('the records halved are those the refusal was about, not those an earlier answer item by item settled', async () => {
  const records = forwardRecords(6);
  const parts: number[][] = [];
  const send = async (part: readonly ForwardRecord[]): Promise<Retried> => {
    parts.push(indexes(part));
    // The first answer settled records 0 to 3 item by item, then the SIEM refused the two left as too large.
    if (parts.length === 1) return { sent: tooLarge, records: part.slice(4), attempts: 2 };
    return { sent: { kind: 'delivered' }, records: part, attempts: 1 };
  };
  for await (const retried of bisect(records, send)) assert.equal(retried.sent.kind, 'delivered');
  assert.deepEqual(parts, [[0, 1, 2, 3, 4, 5], [4], [5]]);
});
