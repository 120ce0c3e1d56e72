import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import functions from '@azure/functions';
import { TABLES } from '../../bench/defenderTables.js';
import { DefenderTraffic } from '../../bench/generate.js';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { ndjsonLines, startServer } from '../support/httpServer.js';

const MAX_BODY = 256 * 1024;

test("generated traffic has the documented columns and Defender's number and time formats", () => {
  const traffic = new DefenderTraffic({ seed: 3, devices: 200 });
  const bodies = Array.from({ length: 6 }, () => traffic.message(MAX_BODY));
  let records = 0;
  for (const body of bodies) {
    assert.ok(Buffer.byteLength(body) <= MAX_BODY);
    for (const record of (
      JSON.parse(body) as { records: { category: string; time: string; properties: Record<string, unknown> }[] }
    ).records) {
      const table = TABLES.find((candidate) => `AdvancedHunting-${candidate.name}` === record.category);
      assert.ok(table, record.category);
      const columns = new Set([...table.columns.map((column) => column.name), 'MachineGroup']);
      for (const key of Object.keys(record.properties)) assert.ok(columns.has(key), `${table.name}.${key}`);
      assert.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      records++;
    }
    assert.match(body, /"ReportId":[1-9]\d{18}[,}]/, '19-digit ReportIds, as numbers');
    assert.match(body, /"AdditionalFields":"[[{]\\"/, 'dynamic columns as JSON inside a string');
  }
  const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  const average = bytes / records;
  assert.ok(average > 1500 && average < 3000, `average record ${average.toFixed(0)} bytes`);
  assert.deepEqual(
    new DefenderTraffic({ seed: 3, devices: 200 }).message(MAX_BODY),
    bodies[0],
    'deterministic for a seed',
  );
});

test('the real handler forwards generated traffic byte for byte, apart from the MachineGroup it fills', async () => {
  const siem = await startServer(() => ({ status: 200 }));
  const deadLetters = await mkdtemp(join(tmpdir(), 'bench-fidelity-'));
  const config = loadConfig(
    { SIEM_URL: siem.url, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetters },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  try {
    const traffic = new DefenderTraffic({ seed: 5, devices: 50 });
    const bodies = Array.from({ length: 4 }, () => traffic.message(MAX_BODY));
    const handler = createEventHubHandler(pipeline, { invocationBudgetMs: 60_000, outageHoldMs: 0 });
    await handler(bodies, new functions.InvocationContext({ logHandler: () => {} }));

    const sent = bodies.flatMap((body) => splitRecords(body));
    const received = siem.requests.flatMap(ndjsonLines);
    const withoutGroup = (text: string) => text.replace(/,?"MachineGroup":(?:null|"[^"\\]*")/, '');
    assert.deepEqual(received.map(withoutGroup).sort(), sent.map(withoutGroup).sort());
    const unchanged = new Set(sent);
    const filled = received.filter((text) => !unchanged.has(text));
    assert.ok(filled.length > 0, 'some records had their MachineGroup filled');
    for (const text of filled) assert.match(text, /"MachineGroup":"[^"]+"/);
    const arrived = new Set(received);
    for (const text of sent.filter((record) => record.includes('"MachineGroup":"')))
      assert.ok(arrived.has(text), 'a stated group is never changed');
  } finally {
    await close();
    await siem.close();
    await rm(deadLetters, { recursive: true, force: true });
  }
});

/** The records of a generated body as their exact text (records there are joined by bare commas). */
function splitRecords(body: string): string[] {
  return body.slice('{"records":['.length, -']}'.length).split(/,(?=\{"time":)/);
}
