import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler, PendingRecordsError, toEventMessages } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { DeadLetterWriteError } from '../../shared/pipeline/forward.js';
import { storedLetters } from '../support/deadLetters.js';
import { accept, startFaultSiem, type FaultScript } from '../support/faultSiem.js';
import { eventHubContext } from '../support/invocation.js';
import { body, keyedRecord } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function handlerFor(script: FaultScript, outageHoldMs: number, deadLetterDir = mkdtempSync(join(tmpdir(), 'dsf-handler-'))) {
  const siem = await startFaultSiem(script);
  const config = loadConfig(
    { SIEM_URL: `${siem.url}/in`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetterDir, SIEM_RETRY_INITIAL_MS: '5', SIEM_RETRY_MAX_MS: '20' },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  closers.push(close, siem.close);
  const clock = { now: 0 };
  const handle = createEventHubHandler(pipeline, { invocationBudgetMs: 200, outageHoldMs, now: () => clock.now });
  return { handle, store: pipeline.deadLetters, clock, siem };
}

const messages = [body([keyedRecord('a-0'), keyedRecord('poison', 'DeviceEvents'), keyedRecord('a-1')]), 'not json'];
const downExceptPoison: FaultScript = (request) => (request.body.includes('"poison"') ? { status: 400 } : { status: 503 });

test('not the final attempt: what the SIEM may take later stays pending (the invocation throws); what it refused is dead-lettered', async () => {
  const { handle, store } = await handlerFor(downExceptPoison, 60_000);
  const log: string[] = [];
  await assert.rejects(handle(messages, eventHubContext({ messages: 2 }, log)), PendingRecordsError);
  const reasons = (await storedLetters(store)).map((stored) => stored.letter.reason).sort();
  assert.deepEqual(reasons, ['invalid-json', 'siem-rejected'], 'no letter for the records the SIEM could not take yet');
  assert.ok(log.some((line) => /"outcome":"retrying".*"pending":2/.test(line)), log.join('\n'));
});

test('the final attempt dead-letters the rest, and the invocation completes', async () => {
  const { handle, store, clock } = await handlerFor(downExceptPoison, 60_000);
  await assert.rejects(handle(messages, eventHubContext({ messages: 2 })), PendingRecordsError);
  clock.now += 60_000;
  await handle(messages, eventHubContext({ messages: 2, retryCount: 1 }));
  const letters = await storedLetters(store);
  assert.deepEqual(letters.map((stored) => stored.letter.reason).sort(), ['invalid-json', 'siem-rejected', 'siem-unavailable']);
  const unavailable = letters.find((stored) => stored.letter.reason === 'siem-unavailable')!.letter;
  assert.deepEqual(unavailable.source, { hub: 'hub', partition: '0', sequenceNumbers: [1000], enqueuedTime: '2026-11-23T09:00:01.000Z' });
  assert.equal(letters.length, 3, 'the retried invocation overwrote the letters of the first, it did not add to them');
});

test('a dead-letter store that cannot be written fails the invocation even on the final attempt', async () => {
  const blocked = join(mkdtempSync(join(tmpdir(), 'dsf-blocked-')), 'file');
  writeFileSync(blocked, '');
  const { handle } = await handlerFor(() => accept, 0, blocked);
  const log: string[] = [];
  await assert.rejects(handle(['not json'], eventHubContext({ messages: 1 }, log)), DeadLetterWriteError);
  assert.ok(log.some((line) => line.startsWith('error: invocation failed; the trigger retries it')));
});

test('trigger metadata becomes each message\'s source', () => {
  const [first, second] = toEventMessages(['a', 'b'], eventHubContext({ messages: 2, hub: 'insights-logs-advancedhunting', partition: '7', firstSequenceNumber: 5 }));
  assert.deepEqual(first!.source, { hub: 'insights-logs-advancedhunting', partition: '7', sequenceNumber: 5, offset: '5120', enqueuedTime: '2026-11-23T09:00:00.005Z' });
  assert.equal(second!.source.sequenceNumber, 6);
  assert.deepEqual(toEventMessages('single', eventHubContext({ messages: 0 })).map((message) => message.body), ['single']);
});
