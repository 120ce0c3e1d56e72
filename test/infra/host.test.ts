/**
 * host.json tunes the Event Hubs trigger; each setting it writes must do something, and docs/architecture.md must
 * say why it is there. The extension's semantics are its documentation's (azure-functions/functions-bindings-event-hubs#hostjson-settings).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT } from './templates.js';

const host = JSON.parse(readFileSync(new URL('host.json', ROOT), 'utf8')) as {
  functionTimeout?: string;
  extensions: { eventHubs: Record<string, unknown> };
};
const eventHubs = host.extensions.eventHubs;
const architecture = readFileSync(new URL('docs/architecture.md', ROOT), 'utf8');
const hostStart = architecture.indexOf('`host.json`, and why:');
const hostTable = architecture.slice(hostStart, architecture.indexOf('\n## ', hostStart));

test('host.json sets nothing the Event Hubs extension ignores: maxWaitTime only counts once minEventBatchSize is above 1', () => {
  const minEventBatchSize = Number(eventHubs.minEventBatchSize ?? 1);
  assert.ok(
    !('maxWaitTime' in eventHubs) || minEventBatchSize > 1,
    'maxWaitTime is ignored while minEventBatchSize is 1',
  );
  assert.ok(
    minEventBatchSize < Number(eventHubs.maxEventBatchSize ?? 100),
    'minEventBatchSize must be less than maxEventBatchSize',
  );
});

test('docs/architecture.md explains every Event Hubs setting host.json writes', () => {
  const settingNames = Object.entries(eventHubs).flatMap(([name, value]) =>
    value !== null && typeof value === 'object' ? Object.keys(value).map((inner) => `${name}.${inner}`) : [name],
  );
  const unexplained = settingNames.filter((name) => !hostTable.includes(`| \`${name}\` |`));
  assert.deepEqual(unexplained, []);
});
