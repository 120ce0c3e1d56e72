/**
 * replay() with every kind of history at once: a storage-account export tree (CRLF), Capture Avro files and Event
 * Hub bodies, from a folder and from a Blob container on Azurite. What the SIEM receives is every record, once,
 * byte for byte.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { replay } from '../../cli/replay.js';
import { startAzurite } from '../support/azurite.js';
import {
  captureFile,
  captureName,
  exportContent,
  exportName,
  writeExport,
  type ExportFile,
} from '../support/defenderFiles.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

function received(server: TestServer): string[] {
  return server.requests.flatMap(ndjsonLines).sort();
}

function env(server: TestServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SIEM_URL: `${server.url}/in`,
    SIEM_AUTH: 'none',
    DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-dead-')),
    ...extra,
  };
}

const exports: ExportFile[] = [
  {
    table: 'DeviceInfo',
    hour: new Date('2026-07-18T13:00:00Z'),
    lines: [deviceInfo('d1', 'Servers'), deviceInfo('d2', null)],
  },
  {
    table: 'DeviceProcessEvents',
    hour: new Date('2026-07-18T13:00:00Z'),
    lines: [deviceEvent('d1', 'null'), deviceEvent('d2', 'absent')],
  },
  {
    table: 'EmailEvents',
    hour: new Date('2026-07-18T14:00:00Z'),
    lines: [
      recordText({ table: 'EmailEvents', properties: '"Subject":"Grüße","ReportId":"abc","Size":639199803770463703' }),
    ],
  },
];
const captured = [
  body([deviceEvent('c1', 'absent', 'DeviceNetworkEvents'), deviceEvent('c2', 'absent', 'DeviceNetworkEvents')]),
];
const hubBodies = [body([deviceEvent('e1', 'absent', 'DeviceFileEvents')])];

test('one folder with exports, Capture files and Event Hub bodies: every record arrives once, byte for byte', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dsf-history-'));
  for (const file of exports) await writeExport(root, file);
  const capturePath = join(root, ...captureName('defender', 0, new Date('2026-07-18T13:20:00Z')).split('/'));
  mkdirSync(join(capturePath, '..'), { recursive: true });
  writeFileSync(capturePath, await captureFile(captured, { codec: 'deflate' }));
  writeFileSync(join(root, 'saved.jsonl'), `${hubBodies.join('\r\n')}\r\n`);
  const server = await startServer(() => ({ status: 200 }));
  try {
    const result = await replay({ paths: [root], json: false, env: env(server), stdout: sink() });
    const expected = [
      ...exports.flatMap((file) => file.lines),
      deviceEvent('c1', 'absent', 'DeviceNetworkEvents'),
      deviceEvent('c2', 'absent', 'DeviceNetworkEvents'),
      deviceEvent('e1', 'absent', 'DeviceFileEvents'),
    ];
    // Enrichment fills MachineGroup where DeviceInfo taught it; every other record is exactly its line.
    const untouched = received(server).filter((line) => !line.includes('"DeviceId":"d1"'));
    assert.deepEqual(untouched, expected.filter((line) => !line.includes('"DeviceId":"d1"')).sort());
    assert.equal(received(server).length, expected.length);
    assert.deepEqual(
      [result.received, result.forwarded, result.deadLettered, result.completed],
      [expected.length, expected.length, 0, true],
    );
  } finally {
    await server.close();
  }
});

test('from a Blob container on Azurite: only the hours asked for, read with the local connection string', async () => {
  const azurite = await startAzurite();
  const server = await startServer(() => ({ status: 200 }));
  try {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('history');
    await container.create();
    for (const file of exports) {
      const content = exportContent(file);
      await container.getBlockBlobClient(exportName(file)).upload(content, Buffer.byteLength(content));
    }
    const result = await replay({
      blobs: [{ url: `${azurite.blobEndpoint}/history`, prefix: 'insights-logs-advancedhunting-' }],
      since: new Date('2026-07-18T14:00:00Z'),
      json: false,
      env: env(server, { BACKFILL_STORAGE: azurite.connectionString }),
      stdout: sink(),
    });
    assert.deepEqual(received(server), exports[2]!.lines);
    assert.equal(result.forwarded, 1);
  } finally {
    await server.close();
    await azurite.stop();
  }
});

test('a completed run removes its checkpoint, so the same command later replays from the start', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dsf-history-'));
  await writeExport(root, exports[1]!);
  const checkpoint = join(root, 'run.checkpoint');
  const server = await startServer(() => ({ status: 200 }));
  try {
    for (let run = 0; run < 2; run++) {
      await replay({ paths: [root], json: false, env: env(server), stdout: sink(), checkpoint });
      assert.equal(existsSync(checkpoint), false);
    }
    assert.equal(server.requests.flatMap(ndjsonLines).length, 4);
  } finally {
    await server.close();
  }
});
