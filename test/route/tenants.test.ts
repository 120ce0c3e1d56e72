/**
 * One forwarder serving several customers: each tenant's records reach that tenant's own endpoint with that
 * tenant's own secret from Key Vault, and nothing else does. Real loopback SIEMs, a real Key Vault over HTTPS.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { conserved, startForwarder, withForwarder, type TestForwarder } from '../support/forwarder.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { body, recordText } from '../support/records.js';
import { startSplunkHec } from '../support/splunkHec.js';

const TENANT_A = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa';
const TENANT_B = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
/** Named in no route: goes where SIEM_URL says. */
const TENANT_C = 'cccccccc-3333-4333-8333-cccccccccccc';

type Siem = 'a' | 'b' | 'mssp';
let vault: TestKeyVault;
/** The token each SIEM takes; anything else gets a 401. */
const accepted: Record<Siem, string> = { a: 'a-v1', b: 'b-v1', mssp: 'mssp-v1' };
/** The records each SIEM took (answered 200). */
const delivered: Record<Siem, string[]> = { a: [], b: [], mssp: [] };
let siems: Record<Siem, TestServer>;
let forwarder: TestForwarder;

before(async () => {
  vault = await startKeyVault({ 'tenant-a-token': 'a-v1', 'tenant-b-token': 'b-v1', 'mssp-token': 'mssp-v1' });
  Object.assign(process.env, vault.identityEnv);
  const siem = (name: Siem) =>
    startServer((request) => {
      if (request.headers.authorization !== `Bearer ${accepted[name]}`)
        return { status: 401, body: { error: 'bad token' } };
      delivered[name].push(...ndjsonLines(request));
      return { status: 200 };
    });
  const [a, b, mssp] = await Promise.all([siem('a'), siem('b'), siem('mssp')]);
  siems = { a, b, mssp };
  forwarder = startForwarder(
    {
      SIEM_URL: `${mssp.url}/ingest`,
      KEY_VAULT_URL: vault.url,
      SIEM_SECRET_NAME: 'mssp-token',
      SIEM_MAX_BATCH_RECORDS: '4',
      SIEM_ROUTES: JSON.stringify({
        [`tenant:${TENANT_A}`]: { url: `${a.url}/a/{table}`, secretName: 'tenant-a-token' },
        [`tenant:${TENANT_B}`]: { url: `${b.url}/b?tenant={tenantId}`, secretName: 'tenant-b-token' },
      }),
    },
    vault,
  );
});
after(async () => {
  await forwarder.close();
  await Promise.all([vault.close(), siems.a.close(), siems.b.close(), siems.mssp.close()]);
});

const TABLES = ['DeviceProcessEvents', 'EmailEvents', 'DeviceInfo'];

/** `count` distinct records, every tenant with every table, interleaved. */
function mixedRecords(count: number, tenants: readonly string[]): string[] {
  return Array.from({ length: count }, (_, i) =>
    recordText({
      table: TABLES[i % TABLES.length]!,
      tenantId: tenants[Math.floor(i / TABLES.length) % tenants.length]!,
      properties: `"ReportId":${i}`,
    }),
  );
}

function clearSiems(): void {
  for (const name of ['a', 'b', 'mssp'] as const) {
    siems[name].requests.length = 0;
    delivered[name].length = 0;
  }
}

const tenantOf = (record: string) => (JSON.parse(record) as { tenantId: string }).tenantId;

test('each tenant reaches its own endpoint with its own Key Vault secret; every record arrives once, none at another tenant', async () => {
  clearSiems();
  const records = mixedRecords(36, [TENANT_A, TENANT_B, TENANT_C]);
  const summary = await forwarder.run([
    body(records.slice(0, 12)),
    body(records.slice(12, 30)),
    body(records.slice(30)),
  ]);
  assert.equal(summary.forwarded, 36);
  assert.ok(conserved(summary));

  assert.deepEqual(new Set(delivered.a.map(tenantOf)), new Set([TENANT_A]));
  assert.deepEqual(new Set(delivered.b.map(tenantOf)), new Set([TENANT_B]));
  assert.deepEqual(new Set(delivered.mssp.map(tenantOf)), new Set([TENANT_C]));
  assert.deepEqual(
    [...delivered.a, ...delivered.b, ...delivered.mssp].sort(),
    [...records].sort(),
    'each record exactly once',
  );

  assert.deepEqual(new Set(siems.a.requests.map((request) => request.headers.authorization)), new Set(['Bearer a-v1']));
  assert.deepEqual(new Set(siems.b.requests.map((request) => request.headers.authorization)), new Set(['Bearer b-v1']));
  assert.deepEqual(
    new Set(siems.mssp.requests.map((request) => request.headers.authorization)),
    new Set(['Bearer mssp-v1']),
  );
  assert.deepEqual(
    new Set(siems.a.requests.map((request) => request.path)),
    new Set(TABLES.map((table) => `/a/${table}`)),
  );
  assert.deepEqual(new Set(siems.b.requests.map((request) => request.path)), new Set([`/b?tenant=${TENANT_B}`]));
  assert.deepEqual(
    [vault.reads('tenant-a-token'), vault.reads('tenant-b-token'), vault.reads('mssp-token')],
    [1, 1, 1],
  );
});

test("a 401 from tenant A's SIEM reads A's secret again and no other; the rotated secret delivers", async () => {
  clearSiems();
  accepted.a = 'a-v2';
  vault.secrets.set('tenant-a-token', 'a-v2');
  const reads = () => [vault.reads('tenant-a-token'), vault.reads('tenant-b-token'), vault.reads('mssp-token')];
  const before = reads();
  const records = mixedRecords(12, [TENANT_A, TENANT_B, TENANT_C]);
  const summary = await forwarder.run([body(records)]);
  assert.equal(summary.forwarded, 12);
  assert.deepEqual(
    reads().map((count, i) => count - before[i]!),
    [1, 0, 0],
  );
  assert.ok(
    siems.a.requests.some((request) => request.headers.authorization === 'Bearer a-v1'),
    'A was refused the old secret first',
  );
  assert.deepEqual(new Set(delivered.a.map(tenantOf)), new Set([TENANT_A]));
  assert.deepEqual(
    [...delivered.a, ...delivered.b, ...delivered.mssp].sort(),
    [...records].sort(),
    'each record exactly once',
  );
});

test('Splunk: a tenant gets its own index and sourcetype through routes, and {tenantId} names the rest', async () => {
  const hec = await startSplunkHec({ token: 'hec-token' });
  const routes = {
    [`tenant:${TENANT_A}`]: { index: 'contoso', sourcetype: 'contoso:{table}' },
    [`tenant:${TENANT_A}/DeviceInfo`]: { index: 'contoso-assets' },
  };
  const env = {
    SIEM_URL: hec.url,
    SIEM_FORMAT: 'splunk-hec',
    SIEM_SECRET: 'hec-token',
    SPLUNK_INDEX: 'defender-{tenantId}',
    SIEM_ROUTES: JSON.stringify(routes),
  };
  await withForwarder(hec, env, async (server, splunk) => {
    const records = mixedRecords(6, [TENANT_A, TENANT_B]);
    const summary = await splunk.run([body(records)]);
    assert.equal(summary.forwarded, 6);
    const seen = server.events.map((event) => {
      const category = (event.envelope.fields as Record<string, string>).category;
      return `${tenantOf(event.eventText)} ${category} -> ${String(event.envelope.index)} ${String(event.envelope.sourcetype)}`;
    });
    assert.deepEqual(seen.sort(), [
      `${TENANT_A} AdvancedHunting-DeviceInfo -> contoso-assets contoso:DeviceInfo`,
      `${TENANT_A} AdvancedHunting-DeviceProcessEvents -> contoso contoso:DeviceProcessEvents`,
      `${TENANT_A} AdvancedHunting-EmailEvents -> contoso contoso:EmailEvents`,
      `${TENANT_B} AdvancedHunting-DeviceInfo -> defender-${TENANT_B} mscs:azure:eventhub:defender:advancedhunting`,
      `${TENANT_B} AdvancedHunting-DeviceProcessEvents -> defender-${TENANT_B} mscs:azure:eventhub:defender:advancedhunting`,
      `${TENANT_B} AdvancedHunting-EmailEvents -> defender-${TENANT_B} mscs:azure:eventhub:defender:advancedhunting`,
    ]);
  });
});

test('a record without a tenantId, where the destination needs one, is dead-lettered with the reason and never sent', async () => {
  const server = await startServer(() => ({ status: 200 }));
  await withForwarder(
    server,
    { SIEM_URL: `${server.url}/in/{tenantId}`, SIEM_AUTH: 'none' },
    async (siem, tenantless) => {
      const withTenant = recordText({ table: 'DeviceEvents', tenantId: TENANT_A });
      const without = recordText({ table: 'DeviceEvents', properties: '"ReportId":2' }).replace(
        /"tenantId":"[^"]*",/,
        '',
      );
      const summary = await tenantless.run([body([withTenant, without])]);
      assert.deepEqual([summary.forwarded, summary.deadLettered], [1, 1]);
      assert.ok(conserved(summary));
      assert.deepEqual(
        siem.requests.map((request) => [request.path, request.body]),
        [[`/in/${TENANT_A}`, `${withTenant}\n`]],
      );
      const [name] = summary.deadLetterNames;
      const text = await readFile(join(tenantless.deadLetterDir, name!), 'utf8');
      const letter = JSON.parse(text) as { reason: string; detail: string; records: unknown[] };
      assert.equal(letter.reason, 'missing-tenant');
      assert.match(letter.detail, /uses \{tenantId\}/);
      assert.equal(letter.records.length, 1);
      assert.ok(text.endsWith(`"records":[${without}]}`), 'the record is kept byte for byte');
    },
  );
});
