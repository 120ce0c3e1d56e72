import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import { DeadLetterWriteError, forward } from '../../shared/pipeline/forward.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { SettledRecords } from '../../shared/pipeline/settled.js';
import { storedLetters } from '../support/deadLetters.js';
import { accept, startFaultSiem, type FaultScript, type FaultSiem } from '../support/faultSiem.js';
import { ndjsonLines } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, keyedRecord } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function setup(
  deadLetterDir = mkdtempSync(join(tmpdir(), 'dsf-forward-')),
  script: FaultScript = () => accept,
): Promise<{ siem: FaultSiem; pipeline: Pipeline }> {
  const siem = await startFaultSiem(script);
  const config = loadConfig(
    { SIEM_URL: `${siem.url}/in`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetterDir, SIEM_MAX_BATCH_RECORDS: '10' },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  closers.push(close, siem.close);
  return { siem, pipeline };
}

const options = () => ({ deadline: Date.now() + 10_000, finalAttempt: true });

test('bad records of one message are one dead letter per reason, logged once each, counted per record', async () => {
  const { siem, pipeline } = await setup();
  const noCategory = (key: string) => `{"properties":{"RecordKey":"${key}"}}`;
  const messages = [
    {
      body: body([
        keyedRecord('g-0'),
        noCategory('c-0'),
        '1',
        noCategory('c-1'),
        '2',
        noCategory('c-2'),
        keyedRecord('g-1'),
      ]),
      source: { sequenceNumber: 1 },
    },
    { body: body([noCategory('c-3')]), source: { sequenceNumber: 2 } },
  ];
  const summary = await forward(pipeline, messages, options());
  assert.equal(siem.accepted.length, 2);
  assert.equal(summary.received, 8);
  assert.equal(summary.forwarded, 2);
  assert.equal(summary.deadLettered, 6);
  assert.deepEqual(
    summary.failures.map((failure) => [failure.reason, failure.records, failure.detail]),
    [
      ['missing-category', 3, 'record 1 has no category; record 3 has no category; record 5 has no category'],
      ['record-not-object', 2, 'record 2 is not an object; record 4 is not an object'],
      ['missing-category', 1, 'record 0 has no category'],
    ],
  );
  const letters = await storedLetters(pipeline.deadLetters);
  assert.equal(letters.length, 3);
  assert.deepEqual(letters.map((stored) => stored.letter.records.length).sort(), [1, 2, 3]);
  assert.deepEqual(summary.deadLetterNames.slice().sort(), letters.map((stored) => stored.name).sort());
});

test('when the dead-letter store cannot be written, forward throws instead of returning', async () => {
  const blocked = join(mkdtempSync(join(tmpdir(), 'dsf-blocked-')), 'file');
  writeFileSync(blocked, 'a file where the folder should be');
  const { pipeline } = await setup(blocked);
  assert.ok(pipeline.deadLetters instanceof FolderDeadLetterStore);
  await assert.rejects(forward(pipeline, [{ body: 'not json', source: {} }], options()), DeadLetterWriteError);
});

test('records an earlier try settled are not sent again, and are counted as they were settled', async () => {
  const { siem, pipeline } = await setup();
  const settled = new SettledRecords();
  const messages = [
    { body: body(Array.from({ length: 5 }, (_, i) => keyedRecord(`s-${i}`))), source: { sequenceNumber: 9 } },
  ];
  const first = await forward(pipeline, messages, { ...options(), settled });
  assert.equal(first.forwarded, 5);
  assert.equal(settled.size, 5);
  const again = await forward(pipeline, messages, { ...options(), settled });
  assert.equal(again.forwarded, 5);
  assert.equal(again.settledEarlier, 5);
  assert.equal(siem.accepted.length, 5, 'nothing sent the second time');
  const fromFiles = await forward(pipeline, [{ body: messages[0]!.body, source: { file: 'x.json' } }], {
    ...options(),
    settled,
  });
  assert.equal(fromFiles.settledEarlier, 0, 'records without a sequence number are never skipped');
});

test('a device record without its group waits for a DeviceInfo row in a later message of the invocation', async () => {
  const { siem, pipeline } = await setup();
  const messages = [
    { body: body([deviceEvent('d1', 'null'), deviceEvent('d2', 'Workstations')]), source: { sequenceNumber: 1 } },
    { body: body(Array.from({ length: 12 }, (_, i) => keyedRecord(`k-${i}`))), source: { sequenceNumber: 2 } },
    { body: body([deviceInfo('d1', 'Servers')]), source: { sequenceNumber: 3 } },
  ];
  const summary = await forward(pipeline, messages, options());
  assert.equal(summary.forwarded, 15);
  const received = siem.requests.flatMap(ndjsonLines);
  assert.equal(received.length, 15);
  assert.ok(received.includes(deviceEvent('d1', 'Servers')), 'enriched from the row that came after it');
  assert.ok(received.includes(deviceEvent('d2', 'Workstations')));
  assert.equal(summary.coverage.get('AdvancedHunting-DeviceProcessEvents')?.fromStream, 1);
});

test('when reading the invocation fails part way, forward fails with that error once the requests sent are answered', async () => {
  let allRead!: () => void;
  const read = new Promise<void>((resolve) => (allRead = resolve));
  // Answers wait until every message is read, so a batch that left early is still on its way when reading fails.
  const { siem, pipeline } = await setup(undefined, async () => {
    await read;
    return accept;
  });
  let inFlight = 0;
  const post: Pipeline['post'] = async (request, signal) => {
    inFlight++;
    try {
      return await pipeline.post(request, signal);
    } finally {
      inFlight--;
    }
  };
  const failure = new Error('the telemetry callback failed');
  const onUnpacked = () => {
    allRead();
    throw failure;
  };
  // A full batch in the first message, then more messages to read while it is sent.
  const messages = [
    { body: body(Array.from({ length: 10 }, (_, i) => keyedRecord(`k-${i}`))), source: { sequenceNumber: 1 } },
    ...Array.from({ length: 50 }, (_, i) => ({
      body: body([keyedRecord(`m-${i}`)]),
      source: { sequenceNumber: 2 + i },
    })),
  ];
  await assert.rejects(forward({ ...pipeline, post }, messages, { ...options(), onUnpacked }), failure);
  assert.equal(inFlight, 0, 'no request outlives the invocation');
  // Batches of ten: the last ten m- records were still an open batch, and an invocation that fails sends no more.
  const sent = [...Array.from({ length: 10 }, (_, i) => `k-${i}`), ...Array.from({ length: 40 }, (_, i) => `m-${i}`)];
  assert.deepEqual(siem.accepted.slice().sort(), sent.sort());
});
