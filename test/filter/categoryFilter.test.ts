import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCategoryFilter } from '../../shared/filter/categoryFilter.js';
import { conserved, startForwarder } from '../support/forwarder.js';
import { startServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, recordText } from '../support/records.js';

const record = (table: string) =>
  ({ category: `AdvancedHunting-${table}` }) as Parameters<ReturnType<typeof createCategoryFilter>>[0][number];

test('include and exclude take table names with or without the AdvancedHunting- prefix', () => {
  const filter = createCategoryFilter({
    include: ['DeviceEvents', 'AdvancedHunting-EmailEvents'],
    exclude: ['EmailEvents'],
  });
  const result = filter([record('DeviceEvents'), record('EmailEvents'), record('DeviceInfo'), record('DeviceEvents')]);
  assert.deepEqual(
    result.records.map((kept) => kept.category),
    ['AdvancedHunting-DeviceEvents', 'AdvancedHunting-DeviceEvents'],
  );
  assert.deepEqual(
    result.excluded,
    new Map([
      ['AdvancedHunting-EmailEvents', 1],
      ['AdvancedHunting-DeviceInfo', 1],
    ]),
  );
});

test('a table nobody knows yet passes through by default and is counted by name', () => {
  const result = createCategoryFilter({ include: [], exclude: [] })([
    record('DeviceEvents'),
    record('DeviceTelepathyEvents'),
    record('DeviceTelepathyEvents'),
  ]);
  assert.equal(result.records.length, 3);
  assert.deepEqual(result.unknownTables, new Map([['AdvancedHunting-DeviceTelepathyEvents', 2]]));
});

test('excluded records are counted in the summary, never sent, and still teach device groups', async () => {
  const received: string[] = [];
  const server = await startServer((request) => {
    received.push(...request.body.split('\n').filter((line) => line !== ''));
    return { status: 200 };
  });
  const forwarder = startForwarder({
    SIEM_URL: server.url,
    SIEM_AUTH: 'none',
    CATEGORIES_EXCLUDE: 'DeviceInfo,AdvancedHunting-EmailEvents',
  });
  try {
    const summary = await forwarder.run([
      body([
        deviceInfo('dev-1', 'Tier0'),
        deviceEvent('dev-1', 'absent'),
        recordText({ table: 'EmailEvents' }),
        recordText({ table: 'NewShinyEvents' }),
      ]),
    ]);
    assert.deepEqual(
      { received: summary.received, forwarded: summary.forwarded, excluded: summary.excluded },
      { received: 4, forwarded: 2, excluded: 2 },
    );
    assert.ok(conserved(summary));
    assert.equal(summary.categories.get('AdvancedHunting-DeviceInfo')!.excluded, 1);
    assert.deepEqual(summary.unknownTables, new Map([['AdvancedHunting-NewShinyEvents', 1]]));
    assert.equal(received.length, 2);
    assert.match(received.find((line) => line.includes('DeviceProcessEvents'))!, /"MachineGroup":"Tier0"/);
  } finally {
    await forwarder.close();
    await server.close();
  }
});
