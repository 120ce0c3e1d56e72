import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { Dispatch } from '../../shared/pipeline/dispatch.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { SettledRecords } from '../../shared/pipeline/settled.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { ndjsonLines, startServer, type Reply, type TestServer } from '../support/httpServer.js';
import { body, keyedRecord, recordKeys } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

/** A SIEM that tells when the first request arrives and answers each once `answer` lets it; batches of three. */
async function setup(answer: () => Promise<void> = async () => {}) {
  let firstArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
  const siem = await startServer(async (): Promise<Reply> => {
    firstArrived();
    await answer();
    return { status: 200 };
  });
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-dispatch-')),
      SIEM_MAX_BATCH_RECORDS: '3',
      CATEGORIES_EXCLUDE: 'DeviceEvents',
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  closers.push(close, siem.close);
  const records = unpackMessages(
    [
      {
        body: body([...Array.from({ length: 6 }, (_, i) => keyedRecord(`k-${i}`)), keyedRecord('x-0', 'DeviceEvents')]),
        source: { sequenceNumber: 4 },
      },
    ],
    { maxRecordBytes: 1 << 20 },
  ).records;
  return { siem, pipeline, records, arrived };
}

const keysReceived = (siem: TestServer) => siem.requests.flatMap(ndjsonLines).flatMap(recordKeys);

test('a full batch is sent as soon as it is full, before the rest is handed over', { timeout: 10_000 }, async () => {
  const { siem, pipeline, records, arrived } = await setup();
  const settled = new SettledRecords();
  settled.add([records[5]!], 'delivered');
  const dispatch = new Dispatch(pipeline, { deadline: Date.now() + 10_000, finalAttempt: true, settled });

  dispatch.send(records.slice(0, 4));
  await arrived;
  assert.deepEqual(keysReceived(siem), ['k-0', 'k-1', 'k-2'], 'sent while the rest was still to come');
  dispatch.send(records.slice(4));
  const result = await dispatch.finish();

  assert.deepEqual(result.delivered.map((record) => record.index).sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(keysReceived(siem), ['k-0', 'k-1', 'k-2', 'k-3', 'k-4']);
  assert.deepEqual([...dispatch.earlier.values()], ['delivered'], 'what an earlier try delivered is not sent again');
  assert.deepEqual([...dispatch.excluded], [['AdvancedHunting-DeviceEvents', 1]]);
  assert.deepEqual(
    dispatch.batches.map((batch) => batch.records.length),
    [3, 2],
  );
});

test('abandon waits for the batches already sent and sends none of those still open', { timeout: 10_000 }, async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const { siem, pipeline, records, arrived } = await setup(() => released);
  let answered = 0;
  const post: Pipeline['post'] = async (request, signal) => {
    const response = await pipeline.post(request, signal);
    answered++;
    return response;
  };
  const dispatch = new Dispatch({ ...pipeline, post }, { deadline: Date.now() + 10_000, finalAttempt: true });

  dispatch.send(records.slice(0, 4));
  await arrived;
  const abandoned = dispatch.abandon();
  release();
  await abandoned;

  assert.equal(answered, 1, 'the request on its way was answered first');
  assert.deepEqual(keysReceived(siem), ['k-0', 'k-1', 'k-2'], 'the open batch (k-3) was never sent');
});
