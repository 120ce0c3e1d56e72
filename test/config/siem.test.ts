import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, type Environment } from '../../shared/config/config.js';

const load = (env: Environment) => loadConfig(env, { functionsApp: false });

function problems(env: Environment): string {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

const DCR = 'dcr-0123456789abcdef0123456789abcdef';

test('each format brings its path, auth and byte limit; a bare URL gets the protocol path', () => {
  const hec = load({ SIEM_URL: 'https://splunk.example.com:8088', SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: 't' }).siem;
  assert.deepEqual(
    [hec.destination.url, hec.auth.mode, hec.maxBatchBytes],
    ['https://splunk.example.com:8088/services/collector/event', 'splunk', 1_000_000],
  );
  const elastic = load({
    SIEM_URL: 'https://es.example.com:9200/',
    SIEM_FORMAT: 'elastic-bulk',
    SIEM_SECRET: 't',
  }).siem;
  assert.deepEqual(
    [elastic.destination.url, elastic.auth.mode, elastic.maxBatchBytes, elastic.destination.index],
    ['https://es.example.com:9200/_bulk', 'apikey', 10 * 1024 * 1024, 'defender-{table}'],
  );
  const config = load({
    SIEM_URL: 'https://dce.eastus-1.ingest.monitor.azure.com',
    SIEM_FORMAT: 'sentinel',
    SENTINEL_DCR_ID: DCR,
  });
  assert.deepEqual(config.siem.auth, { mode: 'entra', scope: 'https://monitor.azure.com/.default' });
  assert.deepEqual(config.secret, { kind: 'entra', scope: 'https://monitor.azure.com/.default' });
  assert.equal(config.siem.destination.stream, 'Custom-{table}');
  assert.equal(
    load({ SIEM_URL: 'https://x.example.com/path', SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: 't' }).siem.destination.url,
    'https://x.example.com/path',
  );
});

test('SIEM_MAX_BATCH_BYTES may lower a protocol limit but not raise it', () => {
  assert.equal(
    load({
      SIEM_URL: 'https://x.example.com',
      SIEM_FORMAT: 'splunk-hec',
      SIEM_SECRET: 't',
      SIEM_MAX_BATCH_BYTES: '500000',
    }).siem.maxBatchBytes,
    500_000,
  );
  assert.match(
    problems({
      SIEM_URL: 'https://x.example.com',
      SIEM_FORMAT: 'sentinel',
      SENTINEL_DCR_ID: DCR,
      SIEM_MAX_BATCH_BYTES: '2000000',
    }),
    /SIEM_MAX_BATCH_BYTES must not exceed 1000000 for SIEM_FORMAT=sentinel/,
  );
});

test('sentinel needs its rule id and Entra; entra elsewhere needs a scope; mtls and CA need Key Vault', () => {
  const sentinel = problems({
    SIEM_URL: 'https://x.example.com',
    SIEM_FORMAT: 'sentinel',
    SIEM_AUTH: 'bearer',
    SIEM_SECRET: 't',
  });
  assert.match(sentinel, /SENTINEL_DCR_ID is required/);
  assert.match(sentinel, /SIEM_AUTH must be entra for SIEM_FORMAT=sentinel/);
  assert.match(problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'entra' }), /SIEM_ENTRA_SCOPE is required/);
  assert.match(problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'mtls' }), /mtls needs a secret/);
  assert.match(
    problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'none', SIEM_CA_CERT: 'ca' }),
    /KEY_VAULT_URL is required when SIEM_SECRET_NAME, SIEM_CA_CERT or a route's secretName is set/,
  );
  assert.match(
    problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'none', SIEM_SECRET: 'x' }),
    /SIEM_AUTH is none, which sends no secret/,
  );
});

test('URL templates may choose the path but never the host, and only known placeholders', () => {
  assert.equal(
    load({ SIEM_URL: 'https://x.example.com/{table}?c={category}', SIEM_AUTH: 'none' }).siem.destination.url,
    'https://x.example.com/{table}?c={category}',
  );
  assert.match(
    problems({ SIEM_URL: 'https://{table}.example.com/', SIEM_AUTH: 'none' }),
    /SIEM_URL may use \{category\}, \{table\}, \{tenantId\} in its path or query only/,
  );
  assert.match(problems({ SIEM_URL: 'https://x.example.com/{tenant}', SIEM_AUTH: 'none' }), /SIEM_URL uses \{tenant\}/);
  assert.match(
    problems({ SIEM_URL: 'https://x.example.com', SIEM_AUTH: 'none', ELASTIC_INDEX: 'x-{tabel}' }),
    /ELASTIC_INDEX uses \{tabel\}/,
  );
});

test('SIEM_ROUTES is checked at start-up: JSON, fields, fields that fit the format, URLs', () => {
  const base = { SIEM_URL: 'https://x.example.com', SIEM_FORMAT: 'splunk-hec', SIEM_SECRET: 't' };
  const routes = load({
    ...base,
    SIEM_ROUTES: '{"AdvancedHunting-DeviceInfo":{"index":"assets","url":"https://other.example.com"}}',
  }).siem.routes;
  assert.deepEqual(routes.get('DeviceInfo'), {
    index: 'assets',
    url: 'https://other.example.com/services/collector/event',
  });
  assert.match(problems({ ...base, SIEM_ROUTES: '{oops' }), /SIEM_ROUTES must be valid JSON/);
  assert.match(
    problems({ ...base, SIEM_ROUTES: '{"DeviceInfo":{"colour":"red"}}' }),
    /SIEM_ROUTES \.DeviceInfo has "colour"/,
  );
  assert.match(
    problems({ ...base, SIEM_ROUTES: '{"DeviceInfo":{"stream":"Custom-X"}}' }),
    /\.DeviceInfo\.stream does not apply to SIEM_FORMAT=splunk-hec/,
  );
  assert.match(
    problems({ ...base, SIEM_ROUTES: '{"DeviceInfo":{"url":"http://10.0.0.1/x"}}' }),
    /\.DeviceInfo\.url must be https/,
  );
  assert.match(
    problems({ ...base, SIEM_ROUTES: '{"DeviceInfo":{},"AdvancedHunting-DeviceInfo":{}}' }),
    /names table DeviceInfo twice/,
  );
});

test('category filters are kept as given', () => {
  const config = load({
    SIEM_URL: 'https://x.example.com',
    SIEM_AUTH: 'none',
    CATEGORIES_INCLUDE: 'DeviceEvents, AdvancedHunting-EmailEvents',
  });
  assert.deepEqual(config.categories, { include: ['DeviceEvents', 'AdvancedHunting-EmailEvents'], exclude: [] });
});

test('SIEM_ROUTES keys on tenants: tenant:<id> and tenant:<id>/<table>, tenant ids lower-cased, each secretName a Key Vault secret', () => {
  const tenant = '4B8C18BD-2F9F-4227-AF55-9F1061CF9C32';
  const config = load({
    SIEM_URL: 'https://mssp.example.com',
    SIEM_FORMAT: 'splunk-hec',
    KEY_VAULT_URL: 'https://vault.example.net',
    SIEM_SECRET_NAME: 'mssp-hec',
    SECRET_CACHE_MINUTES: '5',
    SIEM_ROUTES: JSON.stringify({
      DeviceInfo: { index: 'assets' },
      [`tenant:${tenant}`]: { url: 'https://contoso.example.com:8088', secretName: 'contoso-hec', index: 'contoso' },
      [`tenant:${tenant}/AdvancedHunting-DeviceInfo`]: { index: 'contoso-assets' },
    }),
  }).siem;
  const id = tenant.toLowerCase();
  assert.deepEqual([...config.routes.keys()], ['DeviceInfo', `tenant:${id}`, `tenant:${id}/DeviceInfo`]);
  assert.equal(config.routes.get(`tenant:${id}`)?.url, 'https://contoso.example.com:8088/services/collector/event');
  assert.deepEqual(
    [...config.routeSecrets.values()],
    [{ kind: 'key-vault', vaultUrl: 'https://vault.example.net', name: 'contoso-hec', cacheMs: 300_000 }],
  );
});

test('bad tenant routes stop start-up, each problem naming its key', () => {
  const tenant = '4b8c18bd-2f9f-4227-af55-9f1061cf9c32';
  const base = {
    SIEM_URL: 'https://mssp.example.com/in',
    KEY_VAULT_URL: 'https://vault.example.net',
    SIEM_SECRET_NAME: 'mssp',
  };
  const routes = (value: object) => problems({ ...base, SIEM_ROUTES: JSON.stringify(value) });
  assert.match(
    routes({ 'tenant:contoso.onmicrosoft.com': { index: 'x' } }),
    /SIEM_ROUTES has "tenant:contoso\.onmicrosoft\.com"; a tenant route is "tenant:<tenantId>"/,
  );
  assert.match(
    routes({ [`tenant:${tenant}/Device Info`]: {} }),
    new RegExp(`has "tenant:${tenant}/Device Info", which is not a table name`),
  );
  assert.match(
    routes({ [`tenant:${tenant}/DeviceInfo/x`]: {} }),
    new RegExp(`has "tenant:${tenant}/DeviceInfo/x"; a tenant route is`),
  );
  assert.match(
    routes({ [`tenant:${tenant}`]: {}, [`tenant:${tenant.toUpperCase()}`]: {} }),
    new RegExp(`names tenant:${tenant} twice`),
  );
  assert.match(routes({ [`tenant:${tenant}`]: { colour: 'red' } }), new RegExp(`\\.tenant:${tenant} has "colour"`));
  assert.match(routes({ tenants: { [tenant]: { index: 'x' } } }), new RegExp(`\\.tenants has "${tenant}"`));

  const combined = routes({
    [`tenant:${tenant}`]: { url: 'https://contoso.example.com/in' },
    [`tenant:${tenant}/DeviceInfo`]: { url: 'https://{tenantId}.example.com/in', secretName: 'contoso' },
    'tenant:00000000-0000-4000-8000-000000000001': { secretName: 'not a name' },
  });
  assert.match(combined, new RegExp(`\\.tenant:${tenant}\\.url needs a secretName beside it`));
  assert.match(
    combined,
    new RegExp(
      `\\.tenant:${tenant}/DeviceInfo\\.url may use \\{category\\}, \\{table\\}, \\{tenantId\\} in its path or query only`,
    ),
  );
  assert.match(combined, /\.tenant:00000000-0000-4000-8000-000000000001\.secretName must be a Key Vault secret name/);

  assert.match(
    problems({
      SIEM_URL: 'https://x.example.com',
      SIEM_AUTH: 'none',
      SIEM_ROUTES: `{"tenant:${tenant}":{"secretName":"a"}}`,
    }),
    new RegExp(`\\.tenant:${tenant}\\.secretName does not apply to SIEM_AUTH=none, which sends no secret`),
  );
  assert.match(
    problems({
      SIEM_URL: 'https://x.example.com',
      SIEM_SECRET: 't',
      SIEM_ROUTES: `{"tenant:${tenant}":{"secretName":"a"}}`,
    }),
    /KEY_VAULT_URL is required when SIEM_SECRET_NAME, SIEM_CA_CERT or a route's secretName is set/,
  );
  // With no secret to send, a tenant's endpoint needs none named.
  assert.equal(
    load({
      SIEM_URL: 'https://x.example.com',
      SIEM_AUTH: 'none',
      SIEM_ROUTES: `{"tenant:${tenant}":{"url":"https://y.example.com"}}`,
    }).siem.routes.size,
    1,
  );
});
