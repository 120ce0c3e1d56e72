import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { batchRecords } from '../../shared/batch/batch.js';
import { loadConfig } from '../../shared/config/config.js';
import { startDeliveries, type DeliveriesContext } from '../../shared/deliver/deliverBatches.js';
import type { AttemptEvent } from '../../shared/types/outcome.js';
import type { Batch } from '../../shared/types/records.js';
import { ndjsonFormat } from '../../shared/sinks/webhook/ndjson.js';
import type { Sink } from '../../shared/types/sink.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { ndjsonLines, startServer, type Reply, type Script } from '../support/httpServer.js';
import { body, keyedRecord, recordKeys } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function setup(script: Script, onAttempt?: (event: AttemptEvent) => void) {
  const siem = await startServer(script);
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-deliveries-')),
      SIEM_MAX_CONCURRENCY: '2',
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  closers.push(close, siem.close);
  const context: DeliveriesContext = {
    sink: pipeline.sink,
    post: pipeline.post,
    secrets: pipeline.secrets,
    backoff: pipeline.backoff,
    deadline: Date.now() + 10_000,
    ...(onAttempt ? { onAttempt } : {}),
  };
  return { siem, context, concurrency: pipeline.concurrency };
}

/** `count` batches of two records each, keyed `<prefix>-<batch>-<record>`. */
function batches(count: number, prefix = 'b'): Batch[] {
  const texts = Array.from({ length: count * 2 }, (_, i) => keyedRecord(`${prefix}-${i >> 1}-${i & 1}`));
  const records = unpackMessages([{ body: body(texts), source: {} }], { maxRecordBytes: 1 << 20 }).records;
  return batchRecords(records, ndjsonFormat, { maxBytes: 1 << 20, maxRecords: 2 });
}

const ok: Reply = { status: 200 };

test('no more batches are in flight than the concurrency allows, and every one is delivered', async () => {
  const total = 5;
  const held: (() => void)[] = [];
  // Answers only once two requests wait (or the last has come), so each round of requests is in flight together.
  const { siem, context, concurrency } = await setup(async () => {
    const answered = new Promise<void>((resolve) => held.push(resolve));
    if (held.length === 2 || siem.requests.length === total) for (const release of held.splice(0)) release();
    await answered;
    return ok;
  });
  let inFlight = 0;
  let mostInFlight = 0;
  // Counted where requests leave, before the client's own connection limit could queue them.
  const post: DeliveriesContext['post'] = async (request, signal) => {
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    try {
      return await context.post(request, signal);
    } finally {
      inFlight--;
    }
  };
  assert.equal(concurrency, 2);
  const deliveries = startDeliveries({ ...context, post }, concurrency);
  for (const batch of batches(total)) deliveries.send(batch);
  const result = await deliveries.finish();
  assert.equal(result.delivered.length, total * 2);
  assert.deepEqual(result.failed, []);
  assert.equal(siem.requests.length, total);
  assert.equal(mostInFlight, 2);
});

test('a batch sent after the others were delivered still goes', async () => {
  let attempted!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (attempted = resolve));
  const { siem, context } = await setup(
    () => ok,
    () => attempted(),
  );
  // One at a time: the second batch has no other worker to fall to.
  const deliveries = startDeliveries(context, 1);
  const [early, late] = batches(2);
  deliveries.send(early!);
  await firstAttempt;
  // One more turn of the loop, so the worker that sent the first batch has found the queue empty and stopped.
  await setImmediate();
  deliveries.send(late!);
  const result = await deliveries.finish();
  assert.equal(result.delivered.length, 4);
  assert.deepEqual(siem.requests.flatMap(ndjsonLines).flatMap(recordKeys), ['b-0-0', 'b-0-1', 'b-1-0', 'b-1-1']);
});

/**
 * The context with a sink that throws on records keyed `bad-...`: a fault in the code itself (what records can
 * make fail, such as a route or a request that cannot be made, is a failure of their batch, not a throw).
 */
function failingOnBad(context: DeliveriesContext, broken: Error): DeliveriesContext {
  const route: Sink['route'] = (record) => {
    if (record.text.includes('"bad-')) throw broken;
    return context.sink.route(record);
  };
  return { ...context, sink: { ...context.sink, route } };
}

test('a batch that throws fails finish, after the others are settled, and never goes unhandled', async () => {
  const { siem, context, concurrency } = await setup(() => ok);
  const broken = new Error('a bug');
  const deliveries = startDeliveries(failingOnBad(context, broken), concurrency);
  const [bad] = batches(1, 'bad');
  deliveries.send(bad!);
  // A turn of the loop with the failure unobserved: an unhandled rejection here would end the test run.
  await setImmediate();
  for (const batch of batches(3)) deliveries.send(batch);
  await assert.rejects(deliveries.finish(), broken);
  assert.equal(siem.requests.length, 3, 'the good batches were still sent');
});

test('when the only worker throws with batches still queued, finish fails instead of waiting for them', async () => {
  const { context } = await setup(() => ok);
  const broken = new Error('a bug');
  const deliveries = startDeliveries(failingOnBad(context, broken), 1);
  for (const batch of [...batches(1, 'bad'), ...batches(2)]) deliveries.send(batch);
  await assert.rejects(deliveries.finish(), broken);
  assert.throws(() => deliveries.send(batches(1)[0]!), /after the deliveries were finished/);
});
