import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, ConfigError } from '../../shared/config/config.js';
import { createTenantFilter } from '../../shared/filter/tenants.js';
import { unpackMessages } from '../../shared/unpack/unpack.js';
import { conserved, withForwarder } from '../support/forwarder.js';
import { ndjsonLines, startServer } from '../support/httpServer.js';
import { body, recordText, TENANT } from '../support/records.js';

const TENANT_B = '0d6c6a0e-3a8f-4c59-9d7e-2b3f7f1e9a11';
const noTenant = '{"time":"2026-07-18T14:08:10.0236840Z","category":"AdvancedHunting-DeviceEvents","properties":{}}';

const records = (texts: string[]) =>
  unpackMessages([{ body: body(texts), source: {} }], { maxRecordBytes: 1 << 20 }).records;

test('without a list every tenant passes; with one, only its tenants, compared without case', () => {
  const mixed = records([
    recordText({ table: 'DeviceEvents' }),
    recordText({ table: 'DeviceEvents', tenantId: TENANT_B }),
    noTenant,
  ]);
  assert.equal(createTenantFilter([])(mixed).records.length, 3);
  const checked = createTenantFilter([TENANT.toUpperCase()])(mixed);
  assert.deepEqual(
    checked.records.map((record) => record.index),
    [0],
  );
  assert.deepEqual(
    checked.refused.map((group) => [group.tenantId, group.category, group.records.length]),
    [
      [TENANT_B, 'AdvancedHunting-DeviceEvents', 1],
      [undefined, 'AdvancedHunting-DeviceEvents', 1],
    ],
  );
  assert.match(checked.refused[1]!.detail, /has no tenantId/);
});

test('a record of another tenant never reaches the SIEM: it is dead-lettered with the reason, and counted', async () => {
  const ours = [
    recordText({ table: 'DeviceEvents', properties: '"N":1' }),
    recordText({ table: 'AlertInfo', properties: '"N":2' }),
  ];
  const theirs = [
    recordText({ table: 'DeviceEvents', tenantId: TENANT_B, properties: '"N":3' }),
    recordText({ table: 'DeviceEvents', tenantId: TENANT_B, properties: '"N":4' }),
  ];
  const server = await startServer(() => ({ status: 200 }));
  await withForwarder(
    server,
    { SIEM_URL: `${server.url}/in`, SIEM_AUTH: 'none', ALLOWED_TENANT_IDS: TENANT },
    async (siem, forwarder) => {
      const summary = await forwarder.run([body([ours[0]!, theirs[0]!]), body([theirs[1]!, ours[1]!])]);

      assert.deepEqual(siem.requests.flatMap(ndjsonLines).sort(), [...ours].sort());
      assert.ok(!siem.requests.some((request) => request.body.includes(TENANT_B)));
      assert.deepEqual([summary.received, summary.forwarded, summary.deadLettered], [4, 2, 2]);
      assert.ok(conserved(summary));
      assert.deepEqual(
        summary.failures.map((note) => [note.reason, note.records, note.disposition]),
        [['tenant-not-allowed', 2, 'dead-lettered']],
      );
      const letters = readdirSync(forwarder.deadLetterDir, { recursive: true })
        .map(String)
        .filter((name) => name.endsWith('.json'));
      assert.equal(letters.length, 1);
      const letter = JSON.parse(readFileSync(join(forwarder.deadLetterDir, letters[0]!), 'utf8')) as {
        reason: string;
        records: unknown[];
      };
      assert.equal(letter.reason, 'tenant-not-allowed');
      assert.equal(letter.records.length, 2);
      assert.match(readFileSync(join(forwarder.deadLetterDir, letters[0]!), 'utf8'), /"N":3.*"N":4/);
    },
  );
});

test('several allowed tenants share a hub, and every request carries one tenant only', async () => {
  const texts = Array.from({ length: 6 }, (_, i) =>
    recordText({ table: 'DeviceEvents', tenantId: i % 2 ? TENANT_B : TENANT, properties: `"N":${i}` }),
  );
  const server = await startServer(() => ({ status: 200 }));
  await withForwarder(
    server,
    { SIEM_URL: `${server.url}/in`, SIEM_AUTH: 'none', ALLOWED_TENANT_IDS: `${TENANT}, ${TENANT_B}` },
    async (siem, forwarder) => {
      const summary = await forwarder.run([body(texts)]);
      assert.equal(summary.forwarded, 6);
      assert.equal(siem.requests.length, 2);
      for (const request of siem.requests) {
        const tenants = new Set(
          ndjsonLines(request).map((line) => (JSON.parse(line) as { tenantId: string }).tenantId),
        );
        assert.equal(tenants.size, 1);
      }
    },
  );
});

test('ALLOWED_TENANT_IDS must hold tenant ids', () => {
  assert.throws(
    () =>
      loadConfig(
        { SIEM_URL: 'https://siem.example.com/in', SIEM_AUTH: 'none', ALLOWED_TENANT_IDS: `${TENANT}, contoso.com` },
        { functionsApp: false },
      ),
    (error: unknown) =>
      error instanceof ConfigError && /ALLOWED_TENANT_IDS must be tenant ids .*got "contoso\.com"/.test(error.message),
  );
});
