import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchLedger } from '../../shared/deliver/ledger.js';
import { answeredItemByItem } from '../../shared/deliver/partialAnswers.js';
import type { Tried } from '../../shared/deliver/sent.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import type { SiemResponse } from '../../shared/types/outcome.js';
import { forwardRecords, indexes, scripted } from '../support/scripted.js';

const response: SiemResponse = { status: 200, headers: {}, body: '{"errors":true,"items":[…]}' };

function bulk(...answers: Tried[]) {
  return scripted<[readonly ForwardRecord[]], Tried>(answers);
}

test('each item answers for the record at its place: delivered and refused ones are settled, the rest pending', async () => {
  const records = forwardRecords(5);
  const ledger = new BatchLedger('t');
  const answer: Tried = {
    kind: 'partial',
    items: [
      { kind: 'delivered' },
      { kind: 'reject', reason: 'mapper_parsing_exception', status: 400 },
      { kind: 'retry', reason: 'es_rejected_execution_exception', status: 429 },
      { kind: 'delivered' },
      { kind: 'reject', reason: 'mapper_parsing_exception', status: 400 },
    ],
    response,
  };
  const sent = await answeredItemByItem(bulk(answer), ledger)(records, 3);
  assert.deepEqual(sent, { kind: 'pending', records: [records[2]], response });
  const { delivered, failed } = ledger.result();
  assert.deepEqual(indexes(delivered), [0, 3]);
  assert.deepEqual(
    failed.map((failure) => [
      indexes(failure.records),
      failure.reason,
      failure.status,
      failure.attempts,
      failure.retryable,
      failure.responseExcerpt,
    ]),
    [[[1, 4], 'siem-rejected', 400, 3, false, response.body]],
  );
  assert.equal(failed[0]!.detail, 'the SIEM refused the records: mapper_parsing_exception');
});

test('a record the answer says nothing about stays pending', async () => {
  const records = forwardRecords(3);
  const ledger = new BatchLedger('t');
  const sent = await answeredItemByItem(bulk({ kind: 'partial', items: [{ kind: 'delivered' }] }), ledger)(records, 1);
  assert.deepEqual(sent.kind === 'pending' && indexes(sent.records), [1, 2]);
  assert.deepEqual(indexes(ledger.result().delivered), [0]);
});

test('when every record has its answer, none is pending', async () => {
  const ledger = new BatchLedger('t');
  const sent = await answeredItemByItem(
    bulk({ kind: 'partial', items: [{ kind: 'delivered' }, { kind: 'delivered' }] }),
    ledger,
  )(forwardRecords(2), 1);
  assert.deepEqual(sent.kind === 'pending' && sent.records, []);
  assert.equal(ledger.result().delivered.length, 2);
});

test('an answer for the part as a whole passes as it came, settling nothing', async () => {
  const ledger = new BatchLedger('t');
  const answers: Tried[] = [
    { kind: 'delivered' },
    { kind: 'reject', reason: 'bad request', status: 400, split: true },
    { kind: 'refreshed' },
  ];
  const part = answeredItemByItem(bulk(...answers), ledger);
  for (const answer of answers) assert.deepEqual(await part(forwardRecords(2), 1), answer);
  assert.deepEqual(ledger.result(), { delivered: [], failed: [] });
});
