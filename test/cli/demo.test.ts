import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { demo } from '../../cli/demo.js';

test('the demo delivers every sample record to the local receiver, enriched, and dead-letters the broken message', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dsf-demo-')), 'demo-output');
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));

  assert.equal(await demo(out, output), 0);

  const text = Buffer.concat(chunks).toString();
  assert.match(text, /The receiver got 1000 record\(s\)/);
  const received = readdirSync(join(out, 'received'));
  assert.equal(received.length, 6);
  const lines = received.flatMap((file) =>
    readFileSync(join(out, 'received', file), 'utf8')
      .trim()
      .split('\n'),
  );
  assert.equal(lines.length, 1000);
  const stream = readFileSync(join(out, 'stream', 'sample.jsonl'), 'utf8');
  // Records arrive as sent: every received line without a filled-in group appears verbatim in the stream.
  const untouched = lines.filter((line) => !line.includes('"MachineGroup":"') || stream.includes(line));
  assert.ok(untouched.length > 0);
  for (const line of untouched) assert.ok(stream.includes(line), 'a record was altered beyond its MachineGroup');
  assert.equal(
    readdirSync(join(out, 'dead-letter'), { recursive: true }).filter((name) => String(name).endsWith('.json')).length,
    1,
  );
});
