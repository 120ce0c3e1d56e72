import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressLine, ReplayProgress } from '../../cli/backfill/progress.js';

function output(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 200, write: (text: string) => writes.push(text) } };
}

test('not on a terminal: one plain line per interval, and a last one at the end', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const { writes, out } = output(false);
  const progress = new ReplayProgress(out, { files: 4, bytes: 4 * 1_048_576 }, 10_000);
  progress.start();
  progress.addBytes(1_048_576);
  progress.fileRead();
  progress.update({ received: 5000, deadLettered: 2 });
  t.mock.timers.tick(9_999);
  assert.deepEqual(writes, []);
  t.mock.timers.tick(1);
  assert.equal(writes.length, 1);
  assert.equal(
    writes[0],
    'replay: 25% · ETA 30s · files 1/4 · records 5,000 (2 dead-lettered) · 1.0/4.0 MB · 500 records/s\n',
  );
  progress.stop();
  assert.equal(writes.length, 2);
  assert.ok(!writes.join('').includes('\r'));
});

test('on a terminal: the bar is redrawn in place and the terminal left on a new line', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const { writes, out } = output(true);
  const progress = new ReplayProgress(out, { files: 2, bytes: 1000 }, 10_000);
  progress.start();
  progress.addBytes(500);
  t.mock.timers.tick(1000);
  assert.ok(writes.length >= 2, 'redrawn more often than the plain-line interval');
  assert.match(writes[0]!, /^\r\[#{12}\.{12}\] 50% · ETA \d+s · files 0\/2/);
  assert.ok(writes[0]!.endsWith('\x1b[K'));
  progress.stop();
  assert.equal(writes.at(-1), '\n');
});

test('ETA grows to hours for long runs, and is unknown before anything was read', () => {
  const base = { received: 0, deadLettered: 0, filesRead: 0, files: 10, bytes: 100, elapsedMs: 60_000 };
  assert.match(progressLine({ ...base, bytesRead: 0 }), /^0% · ETA -- · /);
  assert.match(progressLine({ ...base, bytesRead: 1 }), /^1% · ETA 1h 39m · /);
});
