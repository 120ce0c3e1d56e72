import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DefenderTraffic } from '../../bench/generate.js';

const FLOOR = fileURLToPath(new URL('../../bench/replayFloor.js', import.meta.url));

test('the floor of a replay reads every record of every line, in groups of lines and the rest', async () => {
  const traffic = new DefenderTraffic({ seed: 9, devices: 20 });
  const texts = Array.from({ length: 7 }, () => traffic.record());
  const lines = [texts.slice(0, 2), texts.slice(2, 3), texts.slice(3, 6), texts.slice(6)].map(
    (part) => `{"records":[${part.join(',')}]}`,
  );
  const file = join(mkdtempSync(join(tmpdir(), 'bench-floor-')), 'history.ndjson');
  // The last line without its line break, as a file cut short would end.
  writeFileSync(file, `${lines.join('\n')}`);
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [FLOOR, file, '3'], (error, out) => (error ? reject(error) : resolve(out))),
  );
  assert.equal(stdout, '7\n');
});
