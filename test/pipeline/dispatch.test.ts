import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { Dispatch } from '../../shared/pipeline/dispatch.js';
import { SettledRecords } from '../../shared/pipeline/settled.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { ndjsonLines, startServer } from '../support/httpServer.js';
import { body, keyedRecord, recordKeys } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

test('a full batch is sent as soon as it is full, before the rest is handed over', { timeout: 10_000 }, async () => {
  let firstArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
  const siem = await startServer(() => {
    firstArrived();
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
    [{ body: body([...Array.from({ length: 6 }, (_, i) => keyedRecord(`k-${i}`)), keyedRecord('x-0', 'DeviceEvents')]), source: { sequenceNumber: 4 } }],
    { maxRecordBytes: 1 << 20 },
  ).records;
  const settled = new SettledRecords();
  settled.add([records[5]!], 'delivered');
  const dispatch = new Dispatch(pipeline, { deadline: Date.now() + 10_000, finalAttempt: true, settled });

  dispatch.send(records.slice(0, 4));
  await arrived;
  assert.deepEqual(siem.requests.flatMap(ndjsonLines).flatMap(recordKeys), ['k-0', 'k-1', 'k-2'], 'sent while the rest was still to come');
  dispatch.send(records.slice(4));
  const result = await dispatch.finish();

  assert.deepEqual(result.delivered.map((record) => record.index), [0, 1, 2, 3, 4]);
  assert.deepEqual(siem.requests.flatMap(ndjsonLines).flatMap(recordKeys), ['k-0', 'k-1', 'k-2', 'k-3', 'k-4']);
  assert.deepEqual([...dispatch.earlier.values()], ['delivered'], 'what an earlier try delivered is not sent again');
  assert.deepEqual([...dispatch.excluded], [['AdvancedHunting-DeviceEvents', 1]]);
  assert.deepEqual(dispatch.batches.map((batch) => batch.records.length), [3, 2]);
});
