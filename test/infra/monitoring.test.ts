/**
 * The alerts, the workbook and the documents' queries use the metric names the app exports: a renamed or
 * missing metric would leave a chart empty or an alert silent, so the names are checked against metricNames.ts,
 * and docs/operations.md's queries against the workbook's.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { metricNames } from '../../shared/telemetry/metricNames.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

interface WorkbookItem {
  readonly type: number;
  readonly name: string;
  readonly content: { readonly query?: string; readonly title?: string; readonly visualization?: string };
}

const workbook = JSON.parse(read('infra/workbook.json')) as { version: string; items: WorkbookItem[] };
const queries = workbook.items.filter((item) => item.type === 3).map((item) => item.content);
const alerts = read('infra/modules/monitoring-alerts.bicep');
const operations = read('docs/operations.md');
const monitoringStart = operations.indexOf('## Monitoring');
const monitoring = operations.slice(monitoringStart, operations.indexOf('\n## ', monitoringStart + 1));
const documents = ['README.md', ...readdirSync(new URL('docs/', ROOT)).map((name) => `docs/${name}`)]
  .filter((path) => path.endsWith('.md'))
  .map(read);
const exported = new Set<string>(Object.values(metricNames));
const namesIn = (text: string) => new Set(text.match(/forwarder\.[a-z_]+\.[a-z_]+/g) ?? []);

test('the workbook is a workbook of queries, every one with a title', () => {
  assert.equal(workbook.version, 'Notebook/1.0');
  assert.ok(queries.length >= 10);
  assert.ok(queries.every((query) => query.query && query.title));
});

test('each chart shows its query the way the query renders it', () => {
  const mismatched = workbook.items
    .filter((item) => item.type === 3)
    .map((item) => ({
      name: item.name,
      rendered: /\| render (\w+)/.exec(item.content.query ?? '')?.[1],
      shown: item.content.visualization,
    }))
    .filter((item) => item.rendered !== item.shown);
  assert.deepEqual(mismatched, []);
});

test('every metric name the alerts, the workbook and the documents use is one the app exports', () => {
  const used = [alerts, read('infra/workbook.json'), ...documents].flatMap((text) => [...namesIn(text)]);
  assert.deepEqual([...new Set(used.filter((name) => !exported.has(name)))], []);
});

test('the workbook charts every exported metric', () => {
  const charted = namesIn(queries.map((query) => query.query).join('\n'));
  assert.deepEqual(
    [...exported].filter((name) => !charted.has(name)),
    [],
  );
});

test('docs/operations.md shows each workbook query, as it is, under its title', () => {
  const missing = queries.filter(
    (query) => !monitoring.includes(`${query.title}:\n\n\`\`\`kusto\n${query.query}\n\`\`\``),
  );
  assert.deepEqual(
    missing.map((query) => query.title),
    [],
  );
});

test('the alerts cover dead letters, lag, SIEM failures and silence, and the workbook module loads the workbook', () => {
  const watched = [...alerts.matchAll(/resource (\w+) 'Microsoft\.Insights\/scheduledQueryRules@[\d-]+'/g)].map(
    (match) => match[1],
  );
  assert.deepEqual(watched, ['deadLetters', 'lag', 'siemFailures', 'quiet']);
  for (const name of [
    metricNames.recordsDeadLettered,
    metricNames.lagEnqueued,
    metricNames.batchesSent,
    metricNames.recordsReceived,
  ]) {
    assert.ok(alerts.includes(`"${name}"`), `no alert queries ${name}`);
  }
  assert.match(read('infra/modules/workbook.bicep'), /serializedData: loadTextContent\('\.\.\/workbook\.json'\)/);
});
