/**
 * replay() with hostile but valid history: records whose table or tenant cannot be routed, identical records the
 * SIEM refuses, categories of thousands of characters, a record that makes a request of exactly
 * SIEM_MAX_BATCH_BYTES. Each run ends with every record delivered or dead-lettered (never both, never neither),
 * and the records beside the hostile ones flow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { replay, type ReplayResult } from '../../cli/replay.js';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import { conservation, type Tally } from '../support/conservation.js';
import { deadLetteredKeys, storedLetters, type StoredLetter } from '../support/deadLetters.js';
import { startServer, type Reply, type TestServer } from '../support/httpServer.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { body, keyedRecord, recordKeys, TENANT } from '../support/records.js';

let identity: TestIdentity;
before(async () => {
  identity = await startManagedIdentity();
  Object.assign(process.env, identity.env);
});
after(() => identity.close());

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const ofTenant = (record: string, tenantId: string) => record.replace(TENANT, tenantId);
const good = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => keyedRecord(`${prefix}-${i}`));

interface Replayed {
  readonly result: ReplayResult;
  readonly tally: Tally;
  readonly letters: StoredLetter[];
  readonly server: TestServer;
}

/** Replays `lines` (one message body each) from a file against a SIEM answering as `answer`. */
async function replayLines(
  lines: readonly string[],
  settings: Record<string, string>,
  answer: (request: { body: string; path: string }) => Reply = () => ({ status: 200 }),
): Promise<Replayed> {
  const file = join(mkdtempSync(join(tmpdir(), 'dsf-hostile-')), 'history.jsonl');
  writeFileSync(file, lines.join('\n'));
  const deadLetters = mkdtempSync(join(tmpdir(), 'dsf-dead-'));
  const accepted: string[] = [];
  const server = await startServer((request) => {
    const reply = answer(request);
    if (reply.status < 300) accepted.push(...recordKeys(request.body));
    return reply;
  });
  try {
    const { path = '/in', ...rest } = settings;
    const env = { SIEM_URL: `${server.url}${path}`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetters, ...rest };
    const result = await replay({
      paths: [file],
      json: false,
      env,
      stdout: sink(),
      pipeline: { credential: () => new ManagedIdentityCredential() },
    });
    const store = new FolderDeadLetterStore(deadLetters);
    const tally = conservation(lines.flatMap(recordKeys), accepted, await deadLetteredKeys(store));
    return { result, tally, letters: await storedLetters(store), server };
  } finally {
    await server.close();
  }
}

const SENTINEL = {
  path: '',
  SIEM_FORMAT: 'sentinel',
  SIEM_AUTH: 'entra',
  SENTINEL_DCR_ID: 'dcr-0123456789abcdef0123456789abcdef',
};

test('a lone surrogate in table or tenant with both in SIEM_URL: those records dead-lettered as unroutable, the rest forwarded', async () => {
  const hostile = [
    keyedRecord('surrogate-table', 'Device\\ud800Events'),
    ofTenant(keyedRecord('surrogate-tenant'), 'a\\udc00'),
    keyedRecord('beside'),
  ];
  const { result, tally, letters, server } = await replayLines([body(good('g', 30)), body(hostile)], {
    path: '/in/{tenantId}/{table}',
  });
  assert.deepEqual([result.received, result.forwarded, result.deadLettered, tally.deadLettered], [33, 31, 2, 2]);
  assert.ok(
    letters.every(
      (stored) => stored.letter.reason === 'unroutable' && /URI malformed/.test(String(stored.letter.detail)),
    ),
  );
  assert.ok(server.requests.every((request) => request.path === `/in/${TENANT}/DeviceProcessEvents`));
});

test("sentinel's default stream Custom-{table} with a lone surrogate in the table: that record dead-lettered, the rest sent", async () => {
  const { result, letters, server } = await replayLines(
    [body([...good('g', 5), keyedRecord('surrogate', 'Device\\ud800Events')])],
    SENTINEL,
    () => ({ status: 204 }),
  );
  assert.deepEqual([result.forwarded, result.deadLettered], [5, 1]);
  assert.deepEqual(
    letters.map((stored) => stored.letter.reason),
    ['unroutable'],
  );
  assert.match(
    server.requests[0]!.path,
    /^\/dataCollectionRules\/dcr-\w+\/streams\/Custom-DeviceProcessEvents\?api-version=2023-01-01$/,
  );
});

test('. and .. as table or tenant are dead-lettered as unroutable; no request goes to another path', async () => {
  const hostile = ['.', '..'].flatMap((dots) => [
    keyedRecord(`table-${dots}`, dots),
    ofTenant(keyedRecord(`tenant-${dots}`), dots),
  ]);
  const { result, letters, server } = await replayLines([body([...good('g', 3), ...hostile])], {
    path: '/siem/{tenantId}/{table}/ingest',
  });
  assert.deepEqual([result.forwarded, result.deadLettered], [3, 4]);
  assert.ok(letters.every((stored) => stored.letter.reason === 'unroutable'));
  assert.deepEqual(
    server.requests.map((request) => request.path),
    [`/siem/${TENANT}/DeviceProcessEvents/ingest`],
  );
});

test('1,000 identical records the SIEM refuses: a letter and an Idempotency-Key per batch', async () => {
  const lines = [body(Array.from({ length: 1000 }, () => keyedRecord('same')))];
  const { tally, letters, server } = await replayLines(lines, { SIEM_MAX_BATCH_BYTES: '1048576' }, () => ({
    status: 422,
  }));
  assert.equal(tally.deadLettered, 1000);
  assert.deepEqual(
    letters.map((stored) => stored.letter.records.length),
    [500, 500],
  );
  assert.equal(new Set(server.requests.map((request) => request.headers['idempotency-key'])).size, 2);
});

test('categories of 300 and 2,000 characters (tenant not allowed, SIEM refused) are dead-lettered under names a folder takes', async () => {
  const longTable = 'R'.repeat(1984);
  const hostile = [
    ofTenant(keyedRecord('foreign', 'F'.repeat(284)), '0d6c6a0e-3a8f-4c59-9d7e-2b3f7f1e9a11'),
    keyedRecord('refused', longTable),
  ];
  const { result, letters } = await replayLines(
    [body([...good('g', 3), ...hostile])],
    { ALLOWED_TENANT_IDS: TENANT },
    (request) => (request.body.includes(longTable) ? { status: 422 } : { status: 200 }),
  );
  assert.deepEqual([result.forwarded, result.deadLettered], [3, 2]);
  assert.deepEqual(letters.map((stored) => stored.letter.reason).sort(), ['siem-rejected', 'tenant-not-allowed']);
});

for (const format of ['json', 'sentinel'] as const) {
  test(`a record making a request of exactly SIEM_MAX_BATCH_BYTES is sent (${format})`, async () => {
    const settings = { ...(format === 'sentinel' ? SENTINEL : { SIEM_FORMAT: format }), SIEM_MAX_BATCH_BYTES: '4096' };
    const { result, server } = await replayLines(
      [body([keyedRecord('exact', 'DeviceEvents', 4094)])],
      settings,
      () => ({ status: 204 }),
    );
    assert.deepEqual([result.forwarded, result.deadLettered], [1, 0]);
    assert.equal(Buffer.byteLength(server.requests[0]!.body), 4096);
  });
}
