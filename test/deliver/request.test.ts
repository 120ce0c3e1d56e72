import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../shared/config/config.js';
import { requestSender, type RequestContext } from '../../shared/deliver/request.js';
import type { AttemptEvent, SiemResponse } from '../../shared/types/outcome.js';
import type { SiemRequest } from '../../shared/types/sink.js';
import { SecretValue } from '../../shared/types/secretValue.js';
import { createSink } from '../../shared/sinks/registry.js';
import { forwardRecords, scripted, TestClock } from '../support/scripted.js';

// Never reached: each test's post answers from its script.
const sink = createSink(
  loadConfig({ SIEM_URL: 'http://127.0.0.1:9/in', SIEM_SECRET: 'x' }, { functionsApp: false }).siem,
);
const secret = new SecretValue('right');

function context(clock: TestClock, post: RequestContext['post']): RequestContext & { attempts: AttemptEvent[] } {
  const attempts: AttemptEvent[] = [];
  return {
    sink,
    post,
    deadline: clock.time + 1000,
    now: clock.now,
    onAttempt: (event) => attempts.push(event),
    attempts,
  };
}

function answers(...script: Array<SiemResponse | (() => SiemResponse)>) {
  return scripted<[SiemRequest, AbortSignal?], SiemResponse>(script);
}

test('the request carries the secret and the records; the sink classifies the answer, kept with the response, and the try is reported', async () => {
  const clock = new TestClock();
  const busy: SiemResponse = { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' };
  const post = answers(busy);
  const delivery = context(clock, post);
  const answer = await requestSender('AdvancedHunting-DeviceEvents', delivery)(forwardRecords(2), secret);
  assert.deepEqual(answer, { kind: 'retry', reason: 'HTTP 429', status: 429, retryAfterMs: 2000, response: busy });
  const request = post.calls[0]![0];
  assert.equal(request.headers.authorization, 'Bearer right');
  assert.equal(request.body.toString().split('\n').filter(Boolean).length, 2);
  assert.deepEqual(
    delivery.attempts.map(({ category, records, status, outcome, reason }) => ({
      category,
      records,
      status,
      outcome,
      reason,
    })),
    [{ category: 'AdvancedHunting-DeviceEvents', records: 2, status: 429, outcome: 'retry', reason: 'HTTP 429' }],
  );
});

test('a post that fails is an answer to try again, named by its error', async () => {
  const clock = new TestClock();
  const post = answers(() => {
    throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  });
  assert.deepEqual(await requestSender('t', context(clock, post))(forwardRecords(1), secret), {
    kind: 'retry',
    reason: 'network: ECONNRESET',
  });
});

test('no request starts once the deadline has passed, however long the secret took', async () => {
  const clock = new TestClock();
  const post = answers();
  const delivery = context(clock, post);
  clock.time = delivery.deadline;
  assert.deepEqual(await requestSender('t', delivery)(forwardRecords(1), secret), { kind: 'late' });
  assert.deepEqual([post.calls.length, delivery.attempts.length], [0, 0]);
});

test('records that cannot be written as a request are unsent, with the error; nothing is posted', async () => {
  const clock = new TestClock();
  const post = answers();
  const [record] = forwardRecords(1);
  const answer = await requestSender('t', context(clock, post))([{ ...record!, bytes: record!.bytes + 1 }], secret);
  assert.equal(answer.kind === 'unsent' && answer.reason, 'unencodable');
  assert.match(
    answer.kind === 'unsent' ? answer.detail : '',
    /^the request could not be built: Error: record 0 of the batch encodes to/,
  );
  assert.equal(post.calls.length, 0);
});
