import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = fileURLToPath(new URL('./bigInvocation.js', import.meta.url));

test('100 bodies of 2 MB (one not JSON) go through in a heap capped at 3.5 times their size', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=768', SCRIPT], {
    env: { ...process.env, MB_PER_BODY: '2' },
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout) as {
    inputBytes: number;
    received: number;
    forwarded: number;
    deadLettered: number;
    peakRssBytes: number;
  };
  assert.ok(result.inputBytes > 200e6, `${result.inputBytes} bytes in`);
  assert.equal(result.forwarded, 99 * 2097);
  assert.equal(result.deadLettered, 1, 'the invalid body, kept whole');
  assert.equal(result.received, result.forwarded + result.deadLettered);
  console.log(
    `memory: ${(result.inputBytes / 1e6).toFixed(0)} MB in, peak RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB`,
  );
});
