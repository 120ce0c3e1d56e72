import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchLedger, refusal } from '../../shared/deliver/ledger.js';
import type { SiemResponse } from '../../shared/types/outcome.js';
import { forwardRecords, indexes } from '../support/scripted.js';

const answer = (status: number, body: string): SiemResponse => ({ status, headers: {}, body });

test('records refused with the same answer are one failure; another answer is another failure', () => {
  const records = forwardRecords(4);
  const ledger = new BatchLedger('AdvancedHunting-DeviceEvents');
  ledger.failed([records[0]!], refusal('bad request', 2, answer(400, 'record r-0 is bad')));
  ledger.failed([records[1]!], refusal('bad request', 3, answer(400, 'record r-1 is bad')));
  ledger.failed([records[2]!], refusal('bad request', 1, answer(400, 'record r-0 is bad')));
  ledger.delivered([records[3]!]);
  const { delivered, failed } = ledger.result();
  assert.deepEqual(indexes(delivered), [3]);
  assert.deepEqual(
    failed.map((failure) => [failure.category, indexes(failure.records), failure.responseExcerpt, failure.attempts]),
    [
      ['AdvancedHunting-DeviceEvents', [0, 2], 'record r-0 is bad', 2],
      ['AdvancedHunting-DeviceEvents', [1], 'record r-1 is bad', 3],
    ],
  );
});

test('records the SIEM could not take yet are one failure whatever it answered, with an answer when one was given', () => {
  const records = forwardRecords(3);
  const ledger = new BatchLedger('t');
  const unavailable = {
    reason: 'siem-unavailable',
    detail: 'the deadline passed before the records could be sent',
    retryable: true,
    attempts: 0,
  } as const;
  ledger.failed([records[0]!], unavailable);
  ledger.failed([records[1]!], {
    ...unavailable,
    detail: 'the SIEM was unavailable until the deadline: HTTP 503',
    attempts: 4,
    response: answer(503, 'busy'),
  });
  ledger.failed([records[2]!], { ...unavailable, attempts: 1, response: answer(502, 'bad gateway') });
  const [failure, ...others] = ledger.result().failed;
  assert.deepEqual(others, []);
  assert.deepEqual(
    [indexes(failure!.records), failure!.status, failure!.responseExcerpt, failure!.detail, failure!.attempts],
    [[0, 1, 2], 503, 'busy', 'the SIEM was unavailable until the deadline: HTTP 503', 4],
  );
});

test('the answer kept is its start only, and a failure of no records is none', () => {
  const ledger = new BatchLedger('t');
  ledger.failed(forwardRecords(1), refusal('bad request', 1, answer(400, 'x'.repeat(5000))));
  ledger.failed([], refusal('bad request', 1, answer(400, 'other')));
  const { failed } = ledger.result();
  assert.deepEqual(
    failed.map((failure) => failure.responseExcerpt!.length),
    [1024],
  );
});
