/**
 * One invocation of 100 bodies of MB_PER_BODY megabytes each through forward(), against a loopback SIEM that
 * discards what it gets. Run by memory.test.ts in a process with a capped heap; prints a JSON summary.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { forward } from '../../shared/pipeline/forward.js';
import { body, keyedRecord } from '../support/records.js';

const megabytesPerBody = Number(process.env.MB_PER_BODY ?? '2');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.end('{}'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const config = loadConfig(
  {
    SIEM_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`,
    SIEM_AUTH: 'none',
    DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-memory-')),
  },
  { functionsApp: false },
);
const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
const recordsPerBody = Math.floor((megabytesPerBody * 1024 * 1024) / 1000);
const bodies = Array.from({ length: 100 }, (_, m) =>
  body(
    Array.from({ length: recordsPerBody }, (_, r) =>
      keyedRecord(`m${m}-r${r}`, r % 3 === 0 ? 'DeviceEvents' : 'DeviceProcessEvents', 1000),
    ),
  ),
);
bodies[50] = `${bodies[50]!.slice(0, -10)} not json`;
const summary = await forward(
  pipeline,
  bodies.map((text, i) => ({ body: text, source: { sequenceNumber: i } })),
  { deadline: Date.now() + 300_000, finalAttempt: true },
);
await close();
server.close();
process.stdout.write(
  JSON.stringify({
    inputBytes: bodies.reduce((total, text) => total + text.length, 0),
    received: summary.received,
    forwarded: summary.forwarded,
    deadLettered: summary.deadLettered,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
