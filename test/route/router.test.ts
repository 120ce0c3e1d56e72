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
    { url: 'https://siem.example.com/in/DeviceEvents?c=AdvancedHunting-DeviceEvents', index: 'defender-DeviceEvents', key: 'AdvancedHunting-DeviceEvents' },
  );
  assert.deepEqual(router.route(record('AdvancedHunting-EmailEvents')).url, 'https://mail.example.com/in');
  assert.equal(router.route(record('AdvancedHunting-EmailEvents')).index, 'mail');
  assert.equal(router.route(record('Odd Table/x')).url, 'https://siem.example.com/in/Odd%20Table%2Fx?c=Odd%20Table%2Fx');
});

test('SIEM_URL with {table} sends each table to its own path; batches never mix destinations', async () => {
  const server = await startServer(() => ({ status: 200 }));
  const forwarder = startForwarder({ SIEM_URL: `${server.url}/ingest/{table}`, SIEM_AUTH: 'none' });
  try {
    const summary = await forwarder.run([body([deviceEvent('d1', 'G'), recordText({ table: 'EmailEvents' }), deviceEvent('d2', 'G')])]);
    assert.equal(summary.forwarded, 3);
    const byPath = new Map(server.requests.map((request) => [request.path, request.body.split('\n').filter((line) => line !== '').length]));
    assert.deepEqual(byPath, new Map([['/ingest/DeviceProcessEvents', 2], ['/ingest/EmailEvents', 1]]));
  } finally {
    await forwarder.close();
    await server.close();
  }
});
