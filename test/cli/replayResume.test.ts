/**
 * A replay stopped part-way (Ctrl-C) and run again with the same checkpoint delivers every record exactly once
 * across the two runs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { replay } from '../../cli/replay.js';
import { captureFile, writeExport } from '../support/defenderFiles.js';
import { ndjsonLines, startServer } from '../support/httpServer.js';
import { body, recordText } from '../support/records.js';

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const numbered = (table: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => recordText({ table, properties: `"N":${from + i}` }));

test('interrupted after a few chunks, the same command resumes and each record arrives once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dsf-resume-'));
  const all: string[] = [];
  for (let hour = 0; hour < 3; hour++) {
    const lines = numbered('DeviceEvents', hour * 100, 40);
    await writeExport(root, {
      table: 'DeviceEvents',
      hour: new Date(Date.UTC(2026, 6, 18, hour)),
      lines,
      lineEnd: '\r\n',
    });
    all.push(...lines);
  }
  const captureBodies = Array.from({ length: 6 }, (_, i) => body(numbered('AlertInfo', 1000 + i * 5, 5)));
  writeFileSync(join(root, '00.avro'), await captureFile(captureBodies));
  all.push(...numbered('AlertInfo', 1000, 30));

  const stop = new AbortController();
  const server = await startServer((_request, index) => {
    // The third request stands in for Ctrl-C: the chunk it belongs to still finishes.
    if (index === 2) stop.abort();
    return { status: 200 };
  });
  const checkpoint = join(root, 'replay.checkpoint');
  const options = {
    paths: [root],
    json: false,
    env: {
      SIEM_URL: `${server.url}/in`,
      SIEM_AUTH: 'none',
      SIEM_MAX_BATCH_RECORDS: '10',
      DEAD_LETTER_DIR: join(root, 'dead'),
    },
    stdout: sink(),
    checkpoint,
    // One Capture message or a few export lines per chunk, so the run has many chunks to stop between.
    messagesPerInvocation: 1,
  };
  try {
    const first = await replay({ ...options, signal: stop.signal });
    const firstRun = server.requests.flatMap(ndjsonLines);
    assert.equal(first.completed, false);
    assert.ok(
      firstRun.length > 0 && firstRun.length < all.length,
      `first run delivered ${firstRun.length} of ${all.length}`,
    );
    assert.ok(existsSync(checkpoint));
    assert.match(readFileSync(checkpoint, 'utf8'), /"settled":|"done":true/);

    const second = await replay(options);
    assert.equal(second.completed, true);
    const delivered = server.requests.flatMap(ndjsonLines);
    assert.deepEqual([...delivered].sort(), [...all].sort(), 'every record exactly once across both runs');
    assert.equal(first.forwarded + second.forwarded, all.length);
    assert.equal(existsSync(checkpoint), false);
  } finally {
    await server.close();
  }
});
