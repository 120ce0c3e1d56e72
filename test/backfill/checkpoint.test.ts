import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultCheckpointPath, ReplayCheckpoint } from '../../cli/backfill/checkpoint.js';
import { settledPositions, type ReplayItem } from '../../cli/backfill/replayItems.js';

const journal = () => join(mkdtempSync(join(tmpdir(), 'dsf-checkpoint-')), 'replay.checkpoint');

test('positions recorded by one run are where the next run starts', async () => {
  const path = journal();
  const first = await ReplayCheckpoint.open(path);
  assert.equal(first.resuming, false);
  await first.record([
    { file: 'a', settled: 3, done: false },
    { file: 'b', settled: 9, done: true },
  ]);
  await first.record([{ file: 'a', settled: 5, done: false }]);

  const next = await ReplayCheckpoint.open(path);
  assert.equal(next.resuming, true);
  assert.deepEqual([next.settled('a'), next.isDone('a'), next.isDone('b'), next.settled('c')], [5, false, true, 0]);
});

test('a line torn by a crash is ignored and the journal stays usable', async () => {
  const path = journal();
  await (await ReplayCheckpoint.open(path)).record([{ file: 'a', settled: 2, done: false }]);
  appendFileSync(path, '{"file":"a","sett');
  const reopened = await ReplayCheckpoint.open(path);
  assert.equal(reopened.settled('a'), 2);
  await reopened.record([{ file: 'a', settled: 4, done: false }]);
  assert.equal((await ReplayCheckpoint.open(path)).settled('a'), 4);
  assert.match(readFileSync(path, 'utf8'), /"sett\n\{"file":"a","settled":4\}\n$/);
});

test('a journal that counted messages another way is refused rather than misread', async () => {
  const path = journal();
  writeFileSync(path, '{"journal":"defender-forwarder replay","exportBodyBytes":524288}\n{"file":"a","settled":7}\n');
  await assert.rejects(ReplayCheckpoint.open(path), /counts messages differently; delete it/);
});

test('a chunk settles each of its files up to its last message, and finishes a file whose last message it holds', () => {
  const item = (file: string, index: number, last = false): ReplayItem => ({
    message: { body: '', source: {} },
    file,
    index,
    last,
  });
  assert.deepEqual(settledPositions([item('a', 4), item('a', 5, true), item('b', 0), item('b', 1)]), [
    { file: 'a', settled: 6, done: true },
    { file: 'b', settled: 2, done: false },
  ]);
});

test('the default journal belongs to one set of inputs', () => {
  const one = defaultCheckpointPath({ paths: ['x'], blobs: [] });
  assert.equal(defaultCheckpointPath({ paths: ['x'], blobs: [] }), one);
  assert.notEqual(defaultCheckpointPath({ paths: ['x'], blobs: [], since: new Date('2026-01-01') }), one);
  assert.equal(
    defaultCheckpointPath({ paths: [], blobs: [{ url: 'https://a.blob.core.windows.net/c?sig=one' }] }),
    defaultCheckpointPath({ paths: [], blobs: [{ url: 'https://a.blob.core.windows.net/c?sig=two' }] }),
    'a renewed SAS is still the same replay',
  );
});
