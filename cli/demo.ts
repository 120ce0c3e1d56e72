/**
 * `npm run demo`: the whole product on this machine, no Azure account. Starts the local SIEM receiver, writes a
 * sample Defender stream (with one broken message, to show where bad input goes), replays it through the real
 * pipeline, and prints what arrived.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { SiemReceiver } from './receiver/receiver.js';
import { sampleMessages } from './sample/sampleStream.js';
import { replay } from './replay.js';

const TOKEN = 'demo-token';

export async function demo(outDir: string, stdout: Writable): Promise<number> {
  await rm(outDir, { recursive: true, force: true });
  const streamFile = join(outDir, 'stream', 'sample.jsonl');
  await mkdir(join(outDir, 'stream'), { recursive: true });
  const bodies = sampleMessages({ messages: 40, recordsPerMessage: 25, devices: 60, seed: 7 });
  bodies.splice(20, 0, '{"records":[{"time":"2026-11-23T09:00:00.0000000Z", "category": truncated');
  await writeFile(streamFile, `${bodies.join('\n')}\n`);

  const receiver = new SiemReceiver({ token: TOKEN, outDir: join(outDir, 'received') });
  const url = await receiver.start();
  stdout.write(`Local SIEM receiver listening on ${url}, writing to ${join(outDir, 'received')}\n`);
  stdout.write(`Replaying ${bodies.length} Event Hub messages from ${streamFile}\n\n`);
  try {
    const totals = await replay({
      paths: [streamFile],
      json: false,
      stdout,
      env: {
        SIEM_URL: `${url}/ingest`,
        SIEM_SECRET: TOKEN,
        DEAD_LETTER_DIR: join(outDir, 'dead-letter'),
      },
    });
    stdout.write(`\nThe receiver got ${receiver.received} record(s):\n`);
    for (const [category, count] of [...receiver.counts].sort()) stdout.write(`  ${category.padEnd(36)} ${count}\n`);
    stdout.write(`\n${await machineGroupCoverage(join(outDir, 'received'), [...receiver.counts.keys()])}\n`);
    if (totals.deadLettered > 0) {
      stdout.write(
        `${totals.deadLettered} input(s) could not be forwarded (the broken message) and are in ${join(outDir, 'dead-letter')}\n`,
      );
    }
    return receiver.received === totals.forwarded ? 0 : 1;
  } finally {
    await receiver.stop();
  }
}

async function machineGroupCoverage(receivedDir: string, categories: string[]): Promise<string> {
  let withDevice = 0;
  let withGroup = 0;
  for (const category of categories) {
    const text = await readFile(join(receivedDir, `${category.replace(/[^A-Za-z0-9_-]/g, '_')}.ndjson`), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const properties = (JSON.parse(line) as { properties?: { DeviceId?: unknown; MachineGroup?: unknown } })
        .properties;
      if (!properties?.DeviceId) continue;
      withDevice++;
      if (typeof properties.MachineGroup === 'string') withGroup++;
    }
  }
  const unknown = withDevice - withGroup;
  return (
    `MachineGroup: ${withGroup} of ${withDevice} device records carry a group, learned from the stream` +
    (unknown > 0 ? `; the other ${unknown} belong to devices the stream never named a group for` : '')
  );
}
