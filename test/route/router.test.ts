import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRoutes } from '../../shared/config/routes.js';
import { createRouter } from '../../shared/route/router.js';
import { startForwarder } from '../support/forwarder.js';
import { startServer } from '../support/httpServer.js';
import { body, deviceEvent, recordText } from '../support/records.js';

const record = (category: string) => ({ category }) as Parameters<ReturnType<typeof createRouter>['route']>[0];

test('templates are filled per record, URL values encoded, and a route overrides per table', () => {
  const router = createRouter(
    { url: 'https://siem.example.com/in/{table}?c={category}', index: 'defender-{table}' },
    checkRoutes({ 'AdvancedHunting-EmailEvents': { index: 'mail', url: 'https://mail.example.com/in' } }),
  );
  const device = router.route(record('AdvancedHunting-DeviceEvents'));
  assert.deepEqual(
    { url: device.url, index: device.index, key: device.key },
    {
      url: 'https://siem.example.com/in/DeviceEvents?c=AdvancedHunting-DeviceEvents',
      index: 'defender-DeviceEvents',
      key: '[null,"AdvancedHunting-DeviceEvents"]',
    },
  );
  assert.deepEqual(router.route(record('AdvancedHunting-EmailEvents')).url, 'https://mail.example.com/in');
  assert.equal(router.route(record('AdvancedHunting-EmailEvents')).index, 'mail');
  assert.equal(
    router.route(record('Odd Table/x')).url,
    'https://siem.example.com/in/Odd%20Table%2Fx?c=Odd%20Table%2Fx',
  );
});

test('SIEM_URL with {table} sends each table to its own path; batches never mix destinations', async () => {
  const server = await startServer(() => ({ status: 200 }));
  const forwarder = startForwarder({ SIEM_URL: `${server.url}/ingest/{table}`, SIEM_AUTH: 'none' });
  try {
    const summary = await forwarder.run([
      body([deviceEvent('d1', 'G'), recordText({ table: 'EmailEvents' }), deviceEvent('d2', 'G')]),
    ]);
    assert.equal(summary.forwarded, 3);
    const byPath = new Map(
      server.requests.map((request) => [request.path, request.body.split('\n').filter((line) => line !== '').length]),
    );
    assert.deepEqual(
      byPath,
      new Map([
        ['/ingest/DeviceProcessEvents', 2],
        ['/ingest/EmailEvents', 1],
      ]),
    );
  } finally {
    await forwarder.close();
    await server.close();
  }
});

const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const tenantRecord = (category: string, tenantId?: string) =>
  ({ category, ...(tenantId === undefined ? {} : { tenantId }) }) as Parameters<
    ReturnType<typeof createRouter>['route']
  >[0];

test('field by field the most specific route wins: tenant and table, then tenant, then table, then the settings', () => {
  const router = createRouter(
    { url: 'https://siem.example.com/in', sourcetype: 'defender:{table}', index: 'defender-{tenantId}' },
    checkRoutes({
      DeviceInfo: { index: 'assets', sourcetype: 'defender:assets' },
      [`tenant:${TENANT_A}`]: { url: 'https://a.example.com/in/{table}', secretName: 'a-token', index: 'a-main' },
      [`tenant:${TENANT_A}/AdvancedHunting-DeviceInfo`]: { index: 'a-assets' },
    }),
  );
  const fields = (category: string, tenantId?: string) => {
    const route = router.route(tenantRecord(`AdvancedHunting-${category}`, tenantId));
    return [route.url, route.secretName, route.sourcetype, route.index];
  };
  assert.deepEqual(fields('DeviceInfo', TENANT_A), [
    'https://a.example.com/in/DeviceInfo',
    'a-token',
    'defender:assets',
    'a-assets',
  ]);
  assert.deepEqual(fields('DeviceEvents', TENANT_A), [
    'https://a.example.com/in/DeviceEvents',
    'a-token',
    'defender:DeviceEvents',
    'a-main',
  ]);
  assert.deepEqual(fields('DeviceInfo', TENANT_B), [
    'https://siem.example.com/in',
    undefined,
    'defender:assets',
    'assets',
  ]);
  assert.deepEqual(fields('DeviceEvents', TENANT_B), [
    'https://siem.example.com/in',
    undefined,
    'defender:DeviceEvents',
    `defender-${TENANT_B}`,
  ]);
});

test('route keys always hold the tenant, so batches never mix tenants; a tenant id matches whatever its case', () => {
  const router = createRouter(
    { url: 'https://siem.example.com/in' },
    checkRoutes({ [`tenant:${TENANT_A.toUpperCase()}`]: { secretName: 'a-token' } }),
  );
  const a = router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_A));
  const b = router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_B));
  const none = router.route(tenantRecord('AdvancedHunting-DeviceEvents'));
  assert.equal(new Set([a.key, b.key, none.key]).size, 3, 'no tenant routes differ here, yet the keys must');
  const upper = router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_A.toUpperCase()));
  assert.deepEqual(upper, a);
  assert.equal(a.secretName, 'a-token');
  assert.equal(b.secretName, undefined);
});

test('a destination that uses {tenantId} cannot take a record without one; one that does not, can', () => {
  const routes = checkRoutes({ DeviceInfo: { index: 'assets-{tenantId}' } });
  const router = createRouter({ url: 'https://siem.example.com/in', index: 'defender' }, routes);
  assert.equal(router.route(tenantRecord('AdvancedHunting-DeviceEvents')).problem, undefined);
  assert.equal(router.route(tenantRecord('AdvancedHunting-DeviceInfo')).problem?.reason, 'missing-tenant');
  assert.equal(router.route(tenantRecord('AdvancedHunting-DeviceInfo', TENANT_A)).index, `assets-${TENANT_A}`);
  assert.equal(router.route(tenantRecord('AdvancedHunting-DeviceInfo', '')).problem?.reason, 'missing-tenant');
  const byUrl = createRouter({ url: 'https://siem.example.com/in/{tenantId}' }, new Map());
  assert.equal(byUrl.route(tenantRecord('AdvancedHunting-DeviceEvents')).problem?.reason, 'missing-tenant');
  assert.equal(
    byUrl.route(tenantRecord('AdvancedHunting-DeviceEvents', `${TENANT_A}/../x`)).url,
    `https://siem.example.com/in/${TENANT_A}%2F..%2Fx`,
  );
});

test('values that cannot be written into a URL, or would change its path, make the route lead nowhere, with why', () => {
  const router = createRouter(
    { url: 'https://siem.example.com/siem/{tenantId}/{table}/ingest?c={category}' },
    new Map(),
  );
  const problem = (category: string, tenantId = TENANT_A) => router.route(tenantRecord(category, tenantId)).problem;
  assert.match(
    problem('AdvancedHunting-Device\ud800Events')!.detail,
    /^\{table\} cannot be written in a URL \(URI malformed/,
  );
  assert.match(problem('AdvancedHunting-DeviceEvents', 'a\udc00')!.detail, /^\{tenantId\} cannot be written/);
  for (const [table, tenant] of [
    ['.', TENANT_A],
    ['..', TENANT_A],
    ['DeviceEvents', '.'],
    ['DeviceEvents', '..'],
  ] as const) {
    const found = problem(`AdvancedHunting-${table}`, tenant);
    assert.equal(found?.reason, 'unroutable', `${table} ${tenant}`);
    assert.match(found!.detail, /would be "\.\.?", which changes the request's path/);
  }
  // Encoded, these cannot be taken for dots; nor is a dot in the query or beside other text a path segment of its own.
  assert.equal(
    router.route(tenantRecord('AdvancedHunting-%2e%2E', TENANT_A)).url,
    `https://siem.example.com/siem/${TENANT_A}/%252e%252E/ingest?c=AdvancedHunting-%252e%252E`,
  );
  const beside = createRouter({ url: 'https://siem.example.com/in/x{table}?t={table}' }, new Map());
  assert.equal(beside.route(tenantRecord('AdvancedHunting-..')).url, 'https://siem.example.com/in/x..?t=..');
  const stream = createRouter({ url: 'https://dce.example.com', stream: '{table}' }, new Map());
  assert.match(
    stream.route(tenantRecord('AdvancedHunting-..')).problem!.detail,
    /^the stream would be the URL path segment "\.\."/,
  );
  assert.match(
    stream.route(tenantRecord('AdvancedHunting-Device\ud800Events')).problem!.detail,
    /^the stream cannot be written in a URL/,
  );
  assert.equal(stream.route(tenantRecord('AdvancedHunting-DeviceEvents')).stream, 'DeviceEvents');
});

test('made-up tenant ids cannot grow the route cache without end; routes stay right across a restart of it', () => {
  const router = createRouter({ url: 'https://siem.example.com/{tenantId}' }, new Map());
  const first = router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_A));
  assert.equal(router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_A)), first, 'served from the cache');
  for (let i = 0; i < 10_000; i++) router.route(tenantRecord('AdvancedHunting-DeviceEvents', `made-up-${i}`));
  const again = router.route(tenantRecord('AdvancedHunting-DeviceEvents', TENANT_A));
  assert.notEqual(again, first, 'the cache started again');
  assert.deepEqual(again, first);
});
