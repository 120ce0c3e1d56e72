import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retrying, type RetryPolicy } from '../../shared/deliver/retrying.js';
import type { RetryAnswer, Send, Sent } from '../../shared/deliver/sent.js';
import type { ForwardRecord } from '../../shared/types/records.js';
import { forwardRecords, indexes, scripted, TestClock } from '../support/scripted.js';

const busy: RetryAnswer = { kind: 'retry', reason: 'HTTP 503', status: 503 };
const delivered: Sent = { kind: 'delivered' };

function policy(clock: TestClock, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    backoff: { initialMs: 100, maxMs: 1000 },
    deadline: clock.time + 60_000,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  };
}

function script(...answers: Array<Sent | ((records: readonly ForwardRecord[], attempt: number) => Sent)>) {
  return scripted<Parameters<Send>, Sent>(answers);
}

test('an answer that asks to wait is tried again after the backoff until one is final; every try is counted', async () => {
  const clock = new TestClock();
  const send = script(busy, busy, delivered);
  const records = forwardRecords(3);
  const retried = await retrying(send, policy(clock))(records);
  assert.deepEqual(retried, { sent: delivered, records, attempts: 3 });
  assert.deepEqual(
    send.calls.map(([sent, attempt]) => [sent, attempt]),
    [
      [records, 1],
      [records, 2],
      [records, 3],
    ],
  );
  assert.deepEqual(clock.waits, [50, 100]);
});

test('full jitter: each wait is the random share of initial * 2^(tries - 1), the ceiling capped at the maximum', async () => {
  for (const [random, waits] of [
    [() => 0, [0, 0, 0, 0, 0]],
    [() => 0.999, [99, 199, 399, 799, 999]],
  ] as const) {
    const clock = new TestClock();
    await retrying(script(busy, busy, busy, busy, busy, delivered), policy(clock, { random }))(forwardRecords(1));
    assert.deepEqual(clock.waits, waits);
  }
});

test('a Retry-After longer than the backoff is waited in full', async () => {
  const clock = new TestClock();
  await retrying(script({ ...busy, retryAfterMs: 7000 }, delivered), policy(clock))(forwardRecords(1));
  assert.deepEqual(clock.waits, [7000]);
});

test('a Retry-After that would pass the deadline is not waited for: that answer is the result, at once', async () => {
  const clock = new TestClock();
  const longer = { ...busy, retryAfterMs: 3_600_000 };
  const send = script(longer);
  const retried = await retrying(send, policy(clock))(forwardRecords(2));
  assert.deepEqual([retried.sent, retried.attempts, send.calls.length, clock.waits], [longer, 1, 1, []]);
});

test('no wait ends past the deadline, and the answer before the wait that would is the result', async () => {
  const clock = new TestClock();
  const deadline = clock.time + 1000;
  const sentAt: number[] = [];
  const send = script(
    ...Array.from({ length: 10 }, () => () => {
      sentAt.push(clock.time);
      return busy;
    }),
  );
  const retried = await retrying(send, policy(clock, { deadline, random: () => 0.999 }))(forwardRecords(1));
  // 99 + 199 + 399 = 697 waited; the next, 799, would end past the deadline.
  assert.deepEqual(clock.waits, [99, 199, 399]);
  assert.deepEqual([retried.sent, retried.attempts], [busy, 4]);
  assert.ok(sentAt.every((time) => time < deadline));
});

test('nothing is sent once the deadline has passed: the result is late, no try counted', async () => {
  const clock = new TestClock();
  const send = script();
  const retried = await retrying(send, policy(clock, { deadline: clock.time }))(forwardRecords(2));
  assert.deepEqual([retried.sent, retried.attempts, send.calls.length], [{ kind: 'late' }, 0, 0]);
});

test('a try that found the deadline passed inside (a slow secret read) is not counted; late keeps why the records waited', async () => {
  const clock = new TestClock();
  const deadline = clock.time + 1000;
  const slowRead = () => {
    clock.time = deadline;
    return { kind: 'late' } as const;
  };
  const send = script(busy, slowRead);
  const retried = await retrying(send, policy(clock, { deadline }))(forwardRecords(1));
  assert.deepEqual([retried.sent, retried.attempts, send.calls.length], [{ kind: 'late', after: busy }, 1, 2]);
});

test('a wait that overruns the deadline starts no further try', async () => {
  const clock = new TestClock();
  const deadline = clock.time + 1000;
  clock.duringWait = () => (clock.time = deadline + 1);
  const send = script(busy);
  const retried = await retrying(send, policy(clock, { deadline }))(forwardRecords(1));
  assert.deepEqual([retried.sent, retried.attempts, send.calls.length], [{ kind: 'late', after: busy }, 1, 1]);
});

test('a stop ends the wait under way and starts no further try', async () => {
  const clock = new TestClock();
  const stop = new AbortController();
  clock.duringWait = () => stop.abort();
  const send = script(busy);
  const retried = await retrying(send, policy(clock, { signal: stop.signal }))(forwardRecords(1));
  assert.deepEqual([retried.sent, retried.attempts, send.calls.length, clock.waits.length], [busy, 1, 1, 1]);
  const stopped = await retrying(send, policy(clock, { signal: stop.signal }))(forwardRecords(1));
  assert.deepEqual([stopped.sent, stopped.attempts, send.calls.length], [{ kind: 'late' }, 0, 1]);
});

test('a credential read again is tried again at once, without a wait, and counted', async () => {
  const clock = new TestClock();
  const send = script({ kind: 'refreshed' }, delivered);
  const retried = await retrying(send, policy(clock))(forwardRecords(1));
  assert.deepEqual([retried.sent, retried.attempts, clock.waits], [delivered, 2, []]);
});

test('records an answer item by item left pending are sent again alone, after the backoff, until none are', async () => {
  const clock = new TestClock();
  const records = forwardRecords(4);
  const send = script(
    { kind: 'pending', records: [records[1]!, records[3]!] },
    { kind: 'pending', records: [records[3]!] },
    { kind: 'pending', records: [] },
  );
  const retried = await retrying(send, policy(clock))(records);
  assert.deepEqual(
    send.calls.map(([sent]) => indexes(sent)),
    [[0, 1, 2, 3], [1, 3], [3]],
  );
  assert.deepEqual(clock.waits, [50, 100]);
  assert.deepEqual([retried.sent, retried.records, retried.attempts], [{ kind: 'pending', records: [] }, [], 3]);
});

test('records still pending at the deadline are the result, with the answer that left them pending', async () => {
  const clock = new TestClock();
  const records = forwardRecords(3);
  const pending: Sent = { kind: 'pending', records: [records[2]!] };
  const retried = await retrying(script(pending), policy(clock, { deadline: clock.time + 10 }))(records);
  assert.deepEqual([retried.sent, indexes(retried.records), retried.attempts], [pending, [2], 1]);
});

test('a final answer is not tried again', async () => {
  for (const final of [
    delivered,
    { kind: 'reject', reason: 'bad request', status: 400, split: true },
    { kind: 'unauthorized', status: 401 },
  ] as const) {
    const clock = new TestClock();
    const send = script(final);
    const retried = await retrying(send, policy(clock))(forwardRecords(2));
    assert.deepEqual([retried.sent, retried.attempts, send.calls.length, clock.waits], [final, 1, 1, []]);
  }
});
