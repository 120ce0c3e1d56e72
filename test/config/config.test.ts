import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { sampleSettings } from '../../shared/config/sample.js';
import { hostSettings, settings } from '../../shared/config/settings.js';

const ROOT = new URL('../../../', import.meta.url);
const minimal = { SIEM_URL: 'https://siem.example.com/in', SIEM_SECRET: 'token-123' };

test('a minimal command-line configuration gets the documented defaults', () => {
  const config = loadConfig(minimal, { functionsApp: false });
  assert.equal(config.siem.format, 'ndjson');
  assert.equal(config.siem.maxBatchBytes, 1024 * 1024);
  assert.equal(config.siem.maxBatchRecords, 500);
  assert.equal(config.eventHubs.consumerGroup, '$Default');
  assert.equal(config.deadLetter.directory, './dead-letter');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.siem));
});

test('every problem is reported in one error that names the setting and what is expected', () => {
  const error = catchConfigError({
    SIEM_URL: 'http://siem.example.com/in',
    SIEM_MAX_BATCH_BYTES: '-5',
    SIEM_FORMAT: 'xml',
    SIEM_AUTH: 'header',
    SIEM_SECRET: 'x',
  }, true);
  const text = error.message;
  assert.match(text, /EVENT_HUB_NAMES is required/);
  assert.match(text, /SIEM_URL must be https \(plain http is allowed only on loopback\)/);
  assert.match(text, /SIEM_MAX_BATCH_BYTES must be a whole number from 1024/);
  assert.match(text, /SIEM_FORMAT must be one of ndjson, json/);
  assert.match(text, /SIEM_AUTH_HEADER is required when SIEM_AUTH=header/);
  assert.match(text, /DEAD_LETTER_STORAGE__blobServiceUri is required/);
  assert.match(text, /DEVICE_DIRECTORY__tableServiceUri is required/);
  assert.equal(error.problems.length, 7);
});

test('plain http is accepted on loopback only', () => {
  assert.equal(loadConfig({ ...minimal, SIEM_URL: 'http://127.0.0.1:9/x' }, { functionsApp: false }).siem.url.port, '9');
  assert.throws(() => loadConfig({ ...minimal, SIEM_URL: 'http://10.0.0.1/x' }, { functionsApp: false }), ConfigError);
});

test('a secret is required unless auth is none, and Key Vault wins over SIEM_SECRET', () => {
  assert.match(catchConfigError({ SIEM_URL: minimal.SIEM_URL }).message, /needs a secret/);
  assert.equal(loadConfig({ SIEM_URL: minimal.SIEM_URL, SIEM_AUTH: 'none' }, { functionsApp: false }).secret.kind, 'none');
  const config = loadConfig(
    { ...minimal, KEY_VAULT_URL: 'https://vault-1.vault.azure.net', SIEM_SECRET_NAME: 'siem-token' },
    { functionsApp: false },
  );
  assert.equal(config.secret.kind, 'key-vault');
});

test('secrets never show in the config, its JSON, or a config error', () => {
  const config = loadConfig({ ...minimal, SIEM_SECRET: 'hunter2-very-secret' }, { functionsApp: false });
  assert.doesNotMatch(inspect(config, { depth: 10 }), /hunter2/);
  assert.doesNotMatch(JSON.stringify(config), /hunter2/);
  const error = catchConfigError({ SIEM_URL: 'nope', SIEM_SECRET: 'hunter2-very-secret', AzureWebJobsStorage: 'AccountKey=hunter3' });
  assert.doesNotMatch(`${error.message} ${inspect(error)}`, /hunter2|hunter3/);
});

test('the functions app falls back to host storage for dead letters', () => {
  const config = loadConfig(
    { ...minimal, EVENT_HUB_NAMES: 'a, b', AzureWebJobsStorage__accountName: 'acct' },
    { functionsApp: true },
  );
  assert.deepEqual(config.eventHubs.names, ['a', 'b']);
  assert.deepEqual(config.deadLetter.blob?.connection, { kind: 'identity', serviceUri: 'https://acct.blob.core.windows.net' });
});

test('local.settings.sample.json is generated from the settings table', () => {
  const committed = readFileSync(new URL('local.settings.sample.json', ROOT), 'utf8');
  assert.equal(committed, sampleSettings(), 'regenerate it: node dist/shared/cli/main.js settings > local.settings.sample.json');
  const names = Object.keys((JSON.parse(committed) as { Values: object }).Values).sort();
  assert.deepEqual(names, [...Object.keys(settings), ...Object.keys(hostSettings)].sort());
});

test('README documents every setting', () => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const missing = [...Object.keys(settings), ...Object.keys(hostSettings)].filter((name) => !readme.includes(`\`${name}`));
  assert.deepEqual(missing, []);
});

function catchConfigError(env: Record<string, string>, functionsApp = false): ConfigError {
  try {
    loadConfig(env, { functionsApp });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

test('the device directory uses its own table endpoint, else the host storage; the functions app needs one', () => {
  const own = loadConfig({ ...minimal, DEVICE_DIRECTORY__tableServiceUri: 'https://dir.table.core.windows.net' }, { functionsApp: false });
  assert.deepEqual(own.deviceDirectory.table, {
    connection: { kind: 'identity', serviceUri: 'https://dir.table.core.windows.net' },
    name: 'DeviceDirectory',
  });
  const host = loadConfig({ ...minimal, EVENT_HUB_NAMES: 'a', AzureWebJobsStorage__accountName: 'acct' }, { functionsApp: true });
  assert.deepEqual(host.deviceDirectory.table?.connection, { kind: 'identity', serviceUri: 'https://acct.table.core.windows.net' });
  const hostTable = loadConfig(
    { ...minimal, AzureWebJobsStorage__tableServiceUri: 'https://host.table.core.windows.net', AzureWebJobsStorage__accountName: 'acct' },
    { functionsApp: false },
  );
  assert.deepEqual(hostTable.deviceDirectory.table?.connection, { kind: 'identity', serviceUri: 'https://host.table.core.windows.net' });
  assert.equal(loadConfig(minimal, { functionsApp: false }).deviceDirectory.table, undefined, 'the command line may run without one');
  assert.deepEqual(loadConfig(minimal, { functionsApp: false }).deviceDirectory.cache, { capacity: 100_000, ttlMs: 600_000 });
});

test('directory settings are checked: table name, refresh schedule, Defender API URL', () => {
  const error = catchConfigError({
    ...minimal,
    DEVICE_DIRECTORY_TABLE: 'device-directory',
    DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 */6 * * *',
    DEFENDER_API_URL: 'http://api.securitycenter.microsoft.com',
    DEVICE_DIRECTORY_CACHE_MINUTES: '0',
  });
  assert.match(error.message, /DEVICE_DIRECTORY_TABLE must be a table name/);
  assert.match(error.message, /DEVICE_DIRECTORY_REFRESH_SCHEDULE must be an NCRONTAB expression with six fields/);
  assert.match(error.message, /DEFENDER_API_URL must be https/);
  assert.match(error.message, /DEVICE_DIRECTORY_CACHE_MINUTES must be a whole number from 1/);
  assert.equal(error.problems.length, 4);

  const config = loadConfig({ ...minimal, DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *' }, { functionsApp: false });
  assert.equal(config.deviceDirectory.refresh?.schedule, '0 0 */6 * * *');
  assert.equal(config.deviceDirectory.refresh?.apiUrl.href, 'https://api.securitycenter.microsoft.com/');
  assert.equal(config.deviceDirectory.refresh?.scope, 'https://api.securitycenter.microsoft.com/.default');
  assert.equal(loadConfig(minimal, { functionsApp: false }).deviceDirectory.refresh, undefined, 'off unless scheduled');
  assert.equal(loadConfig(minimal, { functionsApp: false }).shape.parseDynamicFields, false);
});
