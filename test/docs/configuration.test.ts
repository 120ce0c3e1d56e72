/**
 * docs/configuration.md's settings reference is the settings table, rendered: a setting added, renamed or
 * redescribed in the code shows in the document, or this test says how to regenerate it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hostSettings, settings } from '../../shared/config/settings.js';
import { BEGIN, END, renderSettingsReference, ROOT, withReference } from './settingsReference.js';

const document = readFileSync(new URL('docs/configuration.md', ROOT), 'utf8');

test('docs/configuration.md holds the settings reference exactly as the settings table renders it', () => {
  assert.ok(document.includes(BEGIN) && document.includes(END), 'the generated part has its markers');
  const fix = 'docs/configuration.md is out of date: run `npm run docs` and commit the result';
  assert.ok(document === withReference(document), fix);
});

test('the reference has one row per setting, the required ones marked as the sample marks them', () => {
  const rows = renderSettingsReference()
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(' | '));
  const names = rows.map((cells) => cells[0]!.replace(/^\| `|`$/g, ''));
  assert.deepEqual(names, [...Object.keys(settings), ...Object.keys(hostSettings)]);
  const required = (name: string) => rows.find((cells) => cells[0] === `| \`${name}\``)![1];
  assert.equal(required('SIEM_URL'), 'yes');
  assert.equal(required('EVENT_HUB_NAMES'), 'for func start');
  assert.match(required('KEY_VAULT_URL')!, /^with SIEM_SECRET_NAME, unless SIEM_SECRET is set/);
  assert.equal(required('SIEM_FORMAT'), '');
});

test('prose in a cell cannot break the table: column bars, emphasis and tags are escaped, code keeps its text', () => {
  const rows = renderSettingsReference().split('\n');
  const row = (name: string) => rows.find((line) => line.startsWith(`| \`${name}\` |`))!;
  assert.match(row('REDRIVE_SCHEDULE'), /\("0 \\\*\/15 \\\* \\\* \\\* \\\*": every 15 minutes/);
  assert.match(row('SIEM_ROUTES'), /tenant:\\<tenantId>/);
  assert.match(row('REDRIVE_SCHEDULE'), /Example: `0 \*\/15 \* \* \* \*`/);
  assert.match(row('SIEM_SECRET'), /Never set in Azure\. A secret: never printed or logged\. \|$/);
  assert.equal(row('SIEM_ROUTES').split(/(?<!\\)\|/).length, 6, 'four cells between five bars');
});
