import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, type Environment } from '../../shared/config/config.js';

const minimal = { SIEM_URL: 'https://siem.example.com/in', SIEM_SECRET: 'token-123' };
const load = (env: Environment, functionsApp = false) => loadConfig({ ...minimal, ...env }, { functionsApp });

function problemsOf(env: Environment): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

test('the device directory uses its own table endpoint, else the host storage; the functions app needs one', () => {
  assert.deepEqual(
    load({ DEVICE_DIRECTORY__tableServiceUri: 'https://dir.table.core.windows.net' }).deviceDirectory.table,
    {
      connection: { kind: 'identity', serviceUri: 'https://dir.table.core.windows.net' },
      name: 'devicedirectory',
    },
  );
  const host = load({ EVENT_HUB_NAMES: 'a', AzureWebJobsStorage__accountName: 'acct' }, true);
  assert.deepEqual(host.deviceDirectory.table?.connection, {
    kind: 'identity',
    serviceUri: 'https://acct.table.core.windows.net',
  });
  const hostTable = load({
    AzureWebJobsStorage__tableServiceUri: 'https://host.table.core.windows.net',
    AzureWebJobsStorage__accountName: 'acct',
  });
  assert.deepEqual(hostTable.deviceDirectory.table?.connection, {
    kind: 'identity',
    serviceUri: 'https://host.table.core.windows.net',
  });
  assert.equal(load({}).deviceDirectory.table, undefined, 'the command line may run without one');
  assert.deepEqual(load({}).deviceDirectory.cache, { capacity: 100_000, ttlMs: 600_000 });
});

test('directory settings are checked: table name, refresh schedule, Defender API URL, cache minutes', () => {
  const error = problemsOf({
    DEVICE_DIRECTORY_TABLE: 'device-directory',
    DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 */6 * * *',
    DEFENDER_API_URL: 'http://api.securitycenter.microsoft.com',
    DEVICE_DIRECTORY_CACHE_MINUTES: '0',
  });
  assert.match(error.message, /DEVICE_DIRECTORY_TABLE must be a table name/);
  assert.match(error.message, /DEVICE_DIRECTORY_REFRESH_SCHEDULE must be an NCRONTAB expression with six fields/);
  assert.match(error.message, /DEFENDER_API_URL must be an https URL/);
  assert.match(error.message, /DEVICE_DIRECTORY_CACHE_MINUTES must be a whole number from 1/);
  assert.equal(error.problems.length, 4);
});

test('the refresh is off unless scheduled, and reads the documented API with its scope by default', () => {
  assert.equal(load({}).deviceDirectory.refresh, undefined);
  const refresh = load({ DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *' }).deviceDirectory.refresh;
  assert.equal(refresh?.schedule, '0 0 */6 * * *');
  assert.equal(refresh?.apiUrl.href, 'https://api.securitycenter.microsoft.com/');
  assert.equal(refresh?.scope, 'https://api.securitycenter.microsoft.com/.default');
  assert.equal(load({}).shape.parseDynamicFields, false);
  assert.equal(load({ PARSE_DYNAMIC_FIELDS: 'true' }).shape.parseDynamicFields, true);
});
