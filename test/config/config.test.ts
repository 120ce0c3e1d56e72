import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { sampleSettings } from '../../cli/settingsSample.js';
import { hostSettings, settings } from '../../shared/config/settings.js';
import { ndjsonWebhook } from '../../shared/sinks/webhook/sink.js';

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
  const error = catchConfigError(
    {
      SIEM_URL: 'http://siem.example.com/in',
      SIEM_MAX_BATCH_BYTES: '-5',
      SIEM_FORMAT: 'xml',
      SIEM_AUTH: 'header',
      SIEM_SECRET: 'x',
    },
    true,
  );
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
  assert.equal(
    loadConfig({ ...minimal, SIEM_URL: 'http://127.0.0.1:9/x' }, { functionsApp: false }).siem.destination.url,
    'http://127.0.0.1:9/x',
  );
  assert.throws(() => loadConfig({ ...minimal, SIEM_URL: 'http://10.0.0.1/x' }, { functionsApp: false }), ConfigError);
});

test('a secret is required unless auth is none, and Key Vault wins over SIEM_SECRET', () => {
  assert.match(catchConfigError({ SIEM_URL: minimal.SIEM_URL }).message, /needs a secret/);
  assert.equal(
    loadConfig({ SIEM_URL: minimal.SIEM_URL, SIEM_AUTH: 'none' }, { functionsApp: false }).secret.kind,
    'none',
  );
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
  const error = catchConfigError({
    SIEM_URL: 'nope',
    SIEM_SECRET: 'hunter2-very-secret',
    AzureWebJobsStorage: 'AccountKey=hunter3',
  });
  assert.doesNotMatch(`${error.message} ${inspect(error)}`, /hunter2|hunter3/);
});

test('a setting that carries a credential in the wrong form is named in the error, the credential is not', () => {
  const error = catchConfigError({
    SIEM_SECRET: 'x',
    SIEM_URL: 'https://admin:url-pass-1@siem example.com/in',
    SIEM_ROUTES: '{"DeviceInfo":{"url":"https://u:route-pass-2@bad host/x"}}',
    DEAD_LETTER_STORAGE__blobServiceUri:
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=account-key-3==;EndpointSuffix=core.windows.net',
    DEVICE_DIRECTORY__tableServiceUri: 'acct.table.core.windows.net/?sv=2022-11-02&sig=sas-sig-4',
    DEFENDER_API_URL: 'https://user:api-pass-5@api.securitycenter.microsoft.com',
    KEY_VAULT_URL: 'https://u:vault-pass-6@my-vault.vault.azure.net/x',
    SIEM_SECRET_NAME: 'siem-token',
  });
  for (const name of [
    'SIEM_URL',
    'SIEM_ROUTES',
    'DEAD_LETTER_STORAGE__blobServiceUri',
    'DEVICE_DIRECTORY__tableServiceUri',
    'DEFENDER_API_URL',
    'KEY_VAULT_URL',
  ]) {
    assert.match(error.message, new RegExp(`- ${name}[^\\n]* must`), name);
  }
  assert.doesNotMatch(`${error.message} ${inspect(error)}`, /pass-|account-key|sas-sig/);
  assert.match(error.message, /SIEM_URL must be an absolute URL, got "https:\/\/\*\*\*@siem example\.com\/in"/);
  assert.match(error.message, /AccountName=\*\*\*;AccountKey=\*\*\*/);
});

test('a URL password holding / # ? or @ is masked whole, however the URL parser would cut it', () => {
  const passwords = ['My/Pa55word', 'My#Pa55word', 'My?Pa55word', 'My@Pa55/word', 'My:Pa55/#?word'];
  for (const password of passwords) {
    const error = catchConfigError({
      SIEM_SECRET: 'x',
      SIEM_URL: `https://elastic:${password}@siem.example.com/in`,
      SIEM_ROUTES: JSON.stringify({ DeviceInfo: { url: `https://u:${password}@route.example.com/x` } }),
      KEY_VAULT_URL: `https://u:${password}@my-vault.vault.azure.net/`,
      SIEM_SECRET_NAME: 'siem-token',
    });
    assert.match(error.message, /- SIEM_URL[^\n]* must/, password);
    assert.doesNotMatch(`${error.message} ${inspect(error)}`, /Pa55/, password);
  }
  const error = catchConfigError({ SIEM_SECRET: 'x', SIEM_URL: 'https://elastic:My/Pa55word@siem.example.com/in' });
  assert.match(error.message, /got "https:\/\/\*\*\*@siem\.example\.com\/in"/, 'the host is still shown');
});

test('storage reached with the app identity is checked at start-up: endpoints are https URLs, the account a name', () => {
  const error = catchConfigError({
    ...minimal,
    DEVICE_DIRECTORY__tableServiceUri: 'DefaultEndpointsProtocol=https;AccountName=acct',
    AzureWebJobsStorage__tableServiceUri: 'http://acct.table.core.windows.net',
    AzureWebJobsStorage__blobServiceUri: 'acct.blob.core.windows.net',
    AzureWebJobsStorage__accountName: 'My_Account',
  });
  assert.match(
    error.message,
    /DEVICE_DIRECTORY__tableServiceUri must be an https URL such as https:\/\/myaccount\.table\.core\.windows\.net/,
  );
  assert.match(error.message, /AzureWebJobsStorage__tableServiceUri must be an https URL/);
  assert.match(
    error.message,
    /AzureWebJobsStorage__blobServiceUri must be an https URL such as https:\/\/myaccount\.blob/,
  );
  assert.match(error.message, /AzureWebJobsStorage__accountName must be a storage account name/);
  assert.equal(error.problems.length, 4);
  const local = loadConfig(
    { ...minimal, DEVICE_DIRECTORY__tableServiceUri: 'http://127.0.0.1:10002/devstoreaccount1' },
    { functionsApp: false },
  );
  assert.deepEqual(local.deviceDirectory.table?.connection, {
    kind: 'identity',
    serviceUri: 'http://127.0.0.1:10002/devstoreaccount1',
  });
});

test('a missing auth header or a bad vault does not hide the problems after it', () => {
  const header = catchConfigError({
    SIEM_URL: minimal.SIEM_URL,
    SIEM_AUTH: 'header',
    KEY_VAULT_URL: 'https://my-vault.vault.azure.net',
    SIEM_SECRET_NAME: 'bad name!',
    SIEM_ROUTES: '{"DeviceProcessEvents":{"index":"edr"}}',
  });
  assert.match(header.message, /SIEM_AUTH_HEADER is required/);
  assert.match(header.message, /SIEM_SECRET_NAME must be a Key Vault secret name/);
  assert.match(header.message, /SIEM_ROUTES \.DeviceProcessEvents\.index does not apply to SIEM_FORMAT=ndjson/);
  assert.equal(header.problems.length, 3);
  const vault = catchConfigError({ SIEM_URL: minimal.SIEM_URL, KEY_VAULT_URL: 'vault', SIEM_SECRET_NAME: 'bad name!' });
  assert.deepEqual(
    vault.problems.map((problem) => problem.split(' ')[0]),
    ['KEY_VAULT_URL', 'SIEM_SECRET_NAME'],
  );
});

test('the functions app falls back to host storage for dead letters', () => {
  const config = loadConfig(
    { ...minimal, EVENT_HUB_NAMES: 'a, b', AzureWebJobsStorage__accountName: 'acct' },
    { functionsApp: true },
  );
  assert.deepEqual(config.eventHubs.names, ['a', 'b']);
  assert.deepEqual(config.deadLetter.blob?.connection, {
    kind: 'identity',
    serviceUri: 'https://acct.blob.core.windows.net',
  });
});

test('local.settings.sample.json is generated from the settings table', () => {
  const committed = readFileSync(new URL('local.settings.sample.json', ROOT), 'utf8');
  assert.equal(
    committed,
    sampleSettings(),
    'regenerate it: node dist/cli/main.js settings > local.settings.sample.json',
  );
  const names = Object.keys((JSON.parse(committed) as { Values: object }).Values).sort();
  assert.deepEqual(names, [...Object.keys(settings), ...Object.keys(hostSettings)].sort());
});

test('local.settings.sample.json loads as it stands, for the functions app and the command line, every optional feature off', () => {
  const { Values: values } = JSON.parse(readFileSync(new URL('local.settings.sample.json', ROOT), 'utf8')) as {
    Values: Record<string, string>;
  };
  const config = loadConfig(values, { functionsApp: true });
  assert.equal(loadConfig(values, { functionsApp: false }).secret.kind, 'key-vault');
  assert.equal(config.siem.routes.size, 0, 'no routes');
  assert.equal(config.siem.caCertificate, undefined, 'no CA secret');
  assert.equal(config.redrive.schedule, undefined, 'no redrive timer');
  assert.equal(config.deviceDirectory.refresh, undefined, 'no directory refresh');
  assert.equal(config.telemetry, undefined, 'no telemetry');
  assert.deepEqual(
    [config.tenants.allowed, config.categories.include, config.categories.exclude],
    [[], [], []],
    'no filters',
  );
  assert.equal(config.siem.maxBatchBytes, ndjsonWebhook.maxBatchBytes.default, "the format's own limit");
});

test('local.settings.sample.json lists the required settings first, marked Required, and gives examples of the rest in their descriptions', () => {
  const sample = JSON.parse(readFileSync(new URL('local.settings.sample.json', ROOT), 'utf8')) as {
    Values: Record<string, string>;
    Descriptions: Record<string, string>;
  };
  const names = Object.keys(sample.Values);
  const required = names.filter((name) => sample.Descriptions[name]!.startsWith('Required'));
  assert.deepEqual(required, names.slice(0, required.length), 'required first');
  for (const name of [
    'EVENT_HUB_NAMES',
    'EventHubConnection__fullyQualifiedNamespace',
    'SIEM_URL',
    'KEY_VAULT_URL',
    'SIEM_SECRET_NAME',
    'AzureWebJobsStorage',
  ]) {
    assert.ok(required.includes(name), `${name} is marked required`);
  }
  assert.equal(sample.Values.SIEM_ROUTES, '');
  assert.match(
    sample.Descriptions.SIEM_ROUTES!,
    /Example: \{"DeviceProcessEvents":\{"url":"https:\/\/siem\.example\.com\/ingest\/edr"\}\}/,
  );
  assert.match(sample.Descriptions.REDRIVE_SCHEDULE!, /Example: 0 \*\/15 \* \* \* \*/);
});

test('docs/configuration.md documents every setting', () => {
  const reference = readFileSync(new URL('docs/configuration.md', ROOT), 'utf8');
  const missing = [...Object.keys(settings), ...Object.keys(hostSettings)].filter(
    (name) => !reference.includes(`\`${name}`),
  );
  assert.deepEqual(missing, []);
});

test('hostile settings fail at start-up: a look-alike loopback host, plain-http storage, negative or absurd sizes', () => {
  const error = catchConfigError({
    ...minimal,
    SIEM_URL: 'http://127.attacker.example/in',
    DEAD_LETTER_STORAGE__blobServiceUri: 'http://acct.blob.core.windows.net',
    SIEM_MAX_BATCH_RECORDS: '-1',
    SIEM_TIMEOUT_SECONDS: '1e3',
    SIEM_OUTAGE_HOLD_MINUTES: 'an hour',
  });
  assert.match(
    error.message,
    /SIEM_URL must be https \(plain http is allowed only on loopback\), got "http:\/\/127\.attacker\.example"/,
  );
  assert.match(error.message, /DEAD_LETTER_STORAGE__blobServiceUri must be an https URL/);
  assert.match(error.message, /SIEM_MAX_BATCH_RECORDS must be a whole number from 1 to 100000, got "-1"/);
  assert.match(error.message, /SIEM_TIMEOUT_SECONDS must be a whole number/);
  assert.match(error.message, /SIEM_OUTAGE_HOLD_MINUTES must be a whole number from 0/);
  assert.equal(error.problems.length, 5);
  assert.equal(
    loadConfig({ ...minimal, SIEM_URL: 'http://127.0.0.2:8080/in' }, { functionsApp: false }).siem.destination.url,
    'http://127.0.0.2:8080/in',
  );
});

test('REDRIVE_SCHEDULE: off when empty, six NCRONTAB fields when set; an interval is refused, as Flex Consumption does', () => {
  assert.equal(loadConfig(minimal, { functionsApp: false }).redrive.schedule, undefined);
  assert.equal(loadConfig({ ...minimal, REDRIVE_SCHEDULE: ' ' }, { functionsApp: false }).redrive.schedule, undefined);
  for (const schedule of ['0 */15 * * * *', '0 0 2 * * Mon-Fri']) {
    assert.equal(
      loadConfig({ ...minimal, REDRIVE_SCHEDULE: schedule }, { functionsApp: false }).redrive.schedule,
      schedule,
    );
  }
  for (const schedule of ['*/15 * * * *', 'every 15 minutes', '00:00:00', '15:00', '00:15:00', '1.00:00:00']) {
    assert.match(
      catchConfigError({ ...minimal, REDRIVE_SCHEDULE: schedule }).message,
      /REDRIVE_SCHEDULE must be an NCRONTAB expression of six fields/,
      schedule,
    );
  }
  assert.match(
    catchConfigError({ ...minimal, REDRIVE_SCHEDULE: '00:15:00' }).message,
    /works only on an App Service plan, not Flex Consumption/,
  );
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

const IKEY = '0b2f1d6e-8a41-4c55-9d0e-5f3c2a7b9e11';

test('telemetry is off without a connection string, and on with one, sampling as a ratio', () => {
  assert.equal(loadConfig(minimal, { functionsApp: false }).telemetry, undefined);
  const telemetry = loadConfig(
    {
      ...minimal,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
      TELEMETRY_TRACE_SAMPLING_PERCENTAGE: '25',
    },
    { functionsApp: false },
  ).telemetry;
  assert.equal(telemetry?.traceSamplingRatio, 0.25);
  assert.equal(telemetry?.loopbackHttpIngestion, undefined);
  assert.equal(telemetry?.entra, undefined);
});

test('a plain-http ingestion endpoint is accepted on loopback only, and problems never show the key', () => {
  const onLoopback = loadConfig(
    {
      ...minimal,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:4318/`,
    },
    { functionsApp: false },
  );
  assert.equal(onLoopback.telemetry?.loopbackHttpIngestion, 'http://127.0.0.1:4318');
  const remote = catchConfigError({
    ...minimal,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=http://collector.example.com/`,
  });
  assert.match(
    remote.message,
    /IngestionEndpoint must be an https URL \(plain http only on loopback\), got "http:\/\/collector.example.com"/,
  );
  const noKey = catchConfigError({
    ...minimal,
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      'IngestionEndpoint=https://x.in.applicationinsights.azure.com/;InstrumentationKey=not-a-guid',
  });
  assert.match(noKey.message, /must hold InstrumentationKey=<GUID>/);
  assert.doesNotMatch(`${remote.message}${noKey.message}`, new RegExp(`${IKEY}|not-a-guid`));
});

test('Entra ingestion follows the Functions convention and is refused over plain http', () => {
  const withKey = { ...minimal, APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY}` };
  const entra = (value: string) =>
    loadConfig({ ...withKey, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: value }, { functionsApp: false }).telemetry
      ?.entra;
  assert.deepEqual(entra('Authorization=AAD'), {});
  assert.deepEqual(entra(`Authorization=AAD;ClientId=${IKEY}`), { clientId: IKEY });
  assert.match(
    catchConfigError({ ...withKey, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=abc' }).message,
    /must be "Authorization=AAD"/,
  );
  // The host reads it too: a typo fails at start-up even while telemetry is off.
  assert.match(
    catchConfigError({ ...minimal, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AD' }).message,
    /must be "Authorization=AAD"/,
  );
  const overHttp = catchConfigError({
    ...minimal,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:4318`,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
  });
  assert.match(overHttp.message, /must be https for Entra ID ingestion/);
});
