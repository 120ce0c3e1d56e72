/**
 * The fault-injection suite: the real Event Hub handler, pipeline and dead-letter stores against a loopback SIEM
 * scripted to fail. Every scenario checks the conservation law: each record that came in was delivered or
 * dead-lettered (none both, none neither), and counts what the SIEM received twice. It runs once with dead letters
 * on Azurite (the Blob store the functions use) and once on the folder store (the command line's).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { createPipeline, type PipelineOptions } from '../../shared/app/createPipeline.js';
import { createEventHubHandler, PendingRecordsError } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import type { DeadLetterStore } from '../../shared/deadletter/store.js';
import { DeadLetterWriteError } from '../../shared/pipeline/forward.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { deadLetteredKeys, storedLetters } from '../support/deadLetters.js';
import { conservation } from '../support/conservation.js';
import {
  accept,
  deliveredOnce,
  startFaultSiem,
  type Fault,
  type FaultScript,
  type FaultSiem,
} from '../support/faultSiem.js';
import type { Interrupt } from '../support/httpServer.js';
import { eventHubContext } from '../support/invocation.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { body, keyedRecord, recordKeys, TENANT } from '../support/records.js';
import { startStorageProxy } from '../support/storageProxy.js';

type StoreKind = 'blob' | 'folder';

interface Row {
  readonly scenario: string;
  readonly in: number;
  readonly delivered: number;
  readonly deadLettered: number;
  readonly duplicates: number;
  readonly requests: number;
}

/** 12 messages of 25 records, two tables: 300 records, 15 batches of 20 at most per invocation. */
function standardBodies(prefix = 'k'): string[] {
  return Array.from({ length: 12 }, (_, m) =>
    body(
      Array.from({ length: 25 }, (_, r) =>
        keyedRecord(`${prefix}-${m}-${r}`, r % 2 === 0 ? 'DeviceProcessEvents' : 'DeviceNetworkEvents'),
      ),
    ),
  );
}

/** A record of another tenant: the same text with `tenantId` replaced (written as JSON, escapes allowed). */
const ofTenant = (record: string, tenantId: string) => record.replace(TENANT, tenantId);
const OTHER_TENANT = '0d6c6a0e-3a8f-4c59-9d7e-2b3f7f1e9a11';
const LONG_TABLE = 'R'.repeat(1984);
/** Microsoft Sentinel (Logs Ingestion API) on the fault SIEM, with its default stream Custom-{table}. */
const SENTINEL_SETTINGS = {
  SIEM_FORMAT: 'sentinel',
  SENTINEL_DCR_ID: 'dcr-0123456789abcdef0123456789abcdef',
  SIEM_SECRET: '',
};

const BASE_SETTINGS = {
  SIEM_SECRET: 'token-1',
  SIEM_MAX_BATCH_RECORDS: '20',
  SIEM_MAX_BATCH_BYTES: '65536',
  // Long, so that a pause on a loaded machine cannot time out a request the SIEM answered and add a duplicate;
  // the scenario about a hanging SIEM sets its own.
  SIEM_TIMEOUT_SECONDS: '10',
  SIEM_RETRY_INITIAL_MS: '5',
  SIEM_RETRY_MAX_MS: '40',
};

let azurite: Azurite;
let vault: TestKeyVault;
let containers = 0;
/** Closed after each test, passed or failed, so a failed scenario cannot leave a server holding the run open. */
const open: Harness[] = [];
const rows = new Map<StoreKind, Row[]>([
  ['blob', []],
  ['folder', []],
]);

afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

before(async () => {
  [azurite, vault] = await Promise.all([startAzurite(), startKeyVault({ 'siem-token': 'old-secret' })]);
  Object.assign(process.env, vault.identityEnv);
});

after(async () => {
  await Promise.all([azurite.stop(), vault.close()]);
  for (const [store, table] of rows) {
    console.log(`\nFault suite, dead letters on the ${store} store:\n${formatRows(table)}`);
  }
});

interface Harness {
  readonly siem: FaultSiem;
  readonly store: DeadLetterStore;
  /** What the handler logged, every invocation's lines in order. */
  readonly log: string[];
  /** The handler, as the trigger calls it; `clock` moves the hold's clock. */
  invoke(bodies: readonly unknown[], retryCount?: number): Promise<void>;
  readonly clock: { now: number };
  /** The invocation budget, read at each invocation: a scenario can cut the first try short and not the retry. */
  readonly budget: { ms: number };
  /** A fresh handler on the same pipeline: what another instance (or a restarted one) would be. */
  restart(): void;
  close(): Promise<void>;
}

interface HarnessOptions {
  readonly script?: FaultScript;
  /** SIEM_URL's path on the fault SIEM; `/ingest` unless told. */
  readonly path?: string;
  readonly interrupt?: Interrupt;
  readonly settings?: Record<string, string>;
  readonly pipeline?: Omit<PipelineOptions, 'deadLetters'>;
  readonly invocationBudgetMs?: number;
  readonly outageHoldMs?: number;
}

async function harness(kind: StoreKind, options: HarnessOptions = {}): Promise<Harness> {
  const siem = await startFaultSiem(options.script, options.interrupt);
  const config = loadConfig(
    {
      ...BASE_SETTINGS,
      SIEM_URL: `${siem.url}${options.path ?? '/ingest'}`,
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-faults-')),
      DEAD_LETTER_STORAGE: azurite.connectionString,
      DEAD_LETTER_CONTAINER: `faults-${++containers}`,
      ...options.settings,
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { ...options.pipeline, deadLetters: kind });
  const clock = { now: Date.UTC(2026, 10, 23, 9) };
  const budget = { ms: options.invocationBudgetMs ?? 10_000 };
  const newHandler = () =>
    createEventHubHandler(pipeline, {
      get invocationBudgetMs() {
        return budget.ms;
      },
      outageHoldMs: options.outageHoldMs ?? 60 * 60_000,
      now: () => clock.now,
    });
  let handler = newHandler();
  const log: string[] = [];
  const h: Harness = {
    siem,
    store: pipeline.deadLetters,
    log,
    clock,
    budget,
    invoke: (bodies, retryCount = 0) => handler(bodies, eventHubContext({ messages: bodies.length, retryCount }, log)),
    restart: () => {
      handler = newHandler();
    },
    close: async () => {
      await close();
      await siem.close();
    },
  };
  open.push(h);
  return h;
}

/** The conservation law, checked record by record; returns the scenario's row. */
async function conserved(scenario: string, h: Harness, inputs: readonly string[]): Promise<Row> {
  const tally = conservation(inputs, h.siem.accepted, await deadLetteredKeys(h.store));
  return { scenario, ...tally, requests: h.siem.requests.length };
}

const keysOf = (bodies: readonly string[]) => bodies.flatMap((text) => recordKeys(text));

for (const kind of ['blob', 'folder'] as const) {
  describe(`faults, dead letters on the ${kind} store`, () => {
    const custom = (title: string, run: () => Promise<Row>) =>
      test(title, async () => {
        rows.get(kind)!.push(await run());
      });
    /** One invocation of `bodies` against a SIEM failing as `options` say; `check` looks at the outcome. */
    const scenario = (
      title: string,
      rowName: string,
      options: () => HarnessOptions,
      check: (row: Row, h: Harness) => void | Promise<void>,
      bodies: () => string[] = standardBodies,
    ) =>
      custom(title, async () => {
        const h = await harness(kind, options());
        const input = bodies();
        await h.invoke(input);
        const row = await conserved(rowName, h, keysOf(input));
        await check(row, h);
        return row;
      });

    scenario(
      'healthy SIEM',
      'healthy SIEM',
      () => ({}),
      (row) => assert.equal(row.delivered, 300),
    );

    scenario(
      '503 storm: the first 12 requests fail',
      '503 storm (first 12 requests)',
      () => ({ script: (_, i) => (i < 12 ? { status: 503, body: 'busy' } : accept) }),
      (row) => assert.equal(row.delivered, 300),
    );

    custom('429 with Retry-After in seconds, then as an HTTP date', async () => {
      const asked: number[] = [];
      const h = await harness(kind, {
        settings: { SIEM_MAX_CONCURRENCY: '1' },
        script: (_, i) => {
          asked.push(Date.now());
          if (i === 0) return { status: 429, headers: { 'retry-after': '1' } };
          if (i === 1) return { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } };
          return accept;
        },
      });
      const bodies = standardBodies().slice(0, 2);
      await h.invoke(bodies);
      // Lower bounds only: the forwarder waited at least as long as it was asked to. Timers count whole
      // milliseconds of a clock other than Date.now's, hence the few milliseconds of slack.
      assert.ok(asked[1]! - asked[0]! >= 990, `retried ${asked[1]! - asked[0]!} ms after "Retry-After: 1"`);
      assert.ok(asked[2]! - asked[1]! >= 990, `retried ${asked[2]! - asked[1]!} ms after a Retry-After date`);
      const row = await conserved('429 with Retry-After (seconds, then HTTP date)', h, keysOf(bodies));
      assert.equal(row.delivered, 50);
      return row;
    });

    scenario(
      'connection reset mid-body on the first 5 requests',
      'connection reset mid-body (first 5 requests)',
      () => ({ interrupt: (arrival) => arrival < 5 }),
      (row) => assert.equal(row.delivered, 300),
    );

    scenario(
      'the SIEM accepts, then the connection drops before its answer (3 requests)',
      'SIEM accepted, answer cut (first 3 requests)',
      () => ({ script: (_, i) => (i < 3 ? 'accept-then-cut' : accept) }),
      (row) => assert.equal(row.duplicates, 60, 'each cut answer makes its batch arrive twice: at-least-once'),
    );

    scenario(
      'a SIEM that hangs past SIEM_TIMEOUT_SECONDS',
      'SIEM hangs past the 1 s timeout (first request)',
      () => ({ script: (_, i) => (i === 0 ? 'hang' : accept), settings: { SIEM_TIMEOUT_SECONDS: '1' } }),
      (row) => assert.equal(row.delivered, 300),
    );

    scenario(
      '413 above 3 KB: batches are halved; a record alone above it is dead-lettered',
      '413 above 3 KB',
      () => ({
        script: (request) =>
          Buffer.byteLength(request.body) > 3 * 1024
            ? { status: 413, body: { error: 'request entity too large' } }
            : accept,
      }),
      async (row, h) => {
        assert.equal(row.deadLettered, 1);
        const [letter] = await storedLetters(h.store);
        assert.equal(letter?.letter.status, 413);
        assert.match(String(letter?.letter.responseExcerpt), /too large/);
        assert.deepEqual(recordKeys(letter!.content), ['big-0']);
      },
      () => [
        ...standardBodies().slice(0, 4),
        body([keyedRecord('big-0', 'DeviceInfo', 4000), keyedRecord('small-0', 'DeviceInfo')]),
      ],
    );

    scenario(
      '400 naming one poison record: bisected, the rest delivered',
      '400 naming one poison record',
      () => ({
        script: (request) =>
          request.body.includes('"k-4-7"')
            ? { status: 400, body: { error: 'field Padding of record k-4-7 is malformed' } }
            : accept,
      }),
      async (row, h) => {
        assert.equal(row.deadLettered, 1);
        const letters = await storedLetters(h.store);
        assert.equal(letters.length, 1);
        assert.equal(letters[0]!.letter.reason, 'siem-rejected');
        assert.match(String(letters[0]!.letter.responseExcerpt), /k-4-7 is malformed/);
      },
    );

    scenario(
      '401, then the rotated secret from Key Vault',
      '401, then a rotated secret',
      () => {
        vault.secrets.set('siem-token', 'old-secret');
        return {
          ...secretFromVault('siem-token'),
          script: (request) => {
            if (request.headers.authorization === 'Bearer new-secret') return accept;
            vault.secrets.set('siem-token', 'new-secret');
            return { status: 401, body: { error: 'invalid token' } };
          },
        };
      },
      (row) => assert.equal(row.delivered, 300),
    );

    scenario(
      'bad input: the good records of the same messages still flow',
      'bad input mixed with good',
      () => ({ settings: { SIEM_MAX_BATCH_BYTES: '4096' } }),
      async (row, h) => {
        assert.equal(row.delivered, 52);
        assert.equal(row.deadLettered, 5);
        const reasons = (await storedLetters(h.store)).map((stored) => stored.letter.reason).sort();
        assert.deepEqual(reasons, [
          'invalid-json',
          'missing-category',
          'missing-records',
          'oversize-record',
          'record-not-object',
        ]);
      },
      () => [
        ...standardBodies().slice(0, 2),
        '{"records":[{"category":"AdvancedHunting-DeviceEvents","properties":{"RecordKey":"bad-json-0"}}, tru',
        '{"value":[{"category":"AdvancedHunting-DeviceEvents","properties":{"RecordKey":"no-records-0"}}]}',
        body([
          keyedRecord('mixed-good-0'),
          '"not an object, RecordKey\\":\\"not-object-0\\""',
          '{"time":"2026-11-23T09:00:00Z","properties":{"RecordKey":"no-category-0"}}',
          keyedRecord('oversize-0', 'DeviceEvents', 5000),
          keyedRecord('mixed-good-1'),
        ]),
      ],
    );

    // Hostile but valid input: what cannot go for one record or batch is dead-lettered with a reason naming the
    // error, and everything beside it flows in the same invocation.

    scenario(
      'a lone surrogate in category or tenantId with both in SIEM_URL: those records dead-lettered, the rest flow',
      'lone surrogate in category / tenantId (templated URL)',
      () => ({ path: '/ingest/{tenantId}/{table}' }),
      async (row, h) => {
        assert.equal(row.deadLettered, 2);
        const letters = await storedLetters(h.store);
        assert.deepEqual(
          letters.map((stored) => stored.letter.reason),
          ['unroutable', 'unroutable'],
        );
        assert.ok(
          letters.every((stored) => /URI malformed/.test(String(stored.letter.detail))),
          JSON.stringify(letters.map((stored) => stored.letter.detail)),
        );
        assert.ok(h.siem.requests.every((request) => /^\/ingest\/[0-9a-f-]{36}\/Device\w+Events$/.test(request.path)));
      },
      () => [
        ...standardBodies().slice(0, 2),
        body([
          keyedRecord('surrogate-table', 'Device\\ud800Events'),
          ofTenant(keyedRecord('surrogate-tenant'), '4b8c\\udc00'),
          keyedRecord('beside-0'),
        ]),
      ],
    );

    scenario(
      "a lone surrogate in the table with sentinel's default stream Custom-{table}",
      'lone surrogate in category (sentinel stream)',
      () => ({
        path: '',
        settings: SENTINEL_SETTINGS,
        pipeline: { credential: () => new ManagedIdentityCredential() },
      }),
      async (row, h) => {
        assert.equal(row.deadLettered, 1);
        const letters = await storedLetters(h.store);
        assert.deepEqual(
          letters.map((stored) => [stored.letter.reason, /URI malformed/.test(String(stored.letter.detail))]),
          [['unroutable', true]],
        );
        assert.ok(
          h.siem.requests.every((request) =>
            /^\/dataCollectionRules\/dcr-\w+\/streams\/Custom-Device\w+Events\?api-version=/.test(request.path),
          ),
        );
      },
      () => [
        ...standardBodies().slice(0, 2),
        body([keyedRecord('surrogate-table', 'Device\\ud800Events'), keyedRecord('beside-0')]),
      ],
    );

    scenario(
      '. and .. as table or tenant never change the path of a templated URL',
      '. and .. as table / tenant (templated URL)',
      () => ({ path: '/siem/{tenantId}/{table}/ingest' }),
      async (row, h) => {
        assert.equal(row.deadLettered, 4);
        const letters = await storedLetters(h.store);
        assert.ok(
          letters.every(
            (stored) =>
              stored.letter.reason === 'unroutable' && /changes? the request's path/.test(String(stored.letter.detail)),
          ),
        );
        const paths = h.siem.requests.map((request) => request.path);
        assert.ok(
          paths.every((path) => /^\/siem\/[0-9a-f-]{36}\/Device\w+Events\/ingest$/.test(path)),
          paths.join(' '),
        );
      },
      () => [
        ...standardBodies().slice(0, 2),
        body([
          keyedRecord('dot-table', '.'),
          keyedRecord('dots-table', '..'),
          ofTenant(keyedRecord('dot-tenant'), '.'),
          ofTenant(keyedRecord('dots-tenant'), '..'),
          keyedRecord('beside-0'),
        ]),
      ],
    );

    custom(
      '1,000 identical records refused with 422: a letter and an Idempotency-Key per batch, the same on a retry',
      async () => {
        const h = await harness(kind, {
          script: () => ({ status: 422, body: { error: 'unprocessable' } }),
          settings: { SIEM_MAX_BATCH_RECORDS: '500', SIEM_MAX_BATCH_BYTES: '1048576' },
        });
        const bodies = [body(Array.from({ length: 1000 }, () => keyedRecord('same')))];
        await h.invoke(bodies);
        // Nothing was pending, but a host may run an invocation again: the same letters, not more of them.
        await h.invoke(bodies, 1);
        const letters = await storedLetters(h.store);
        assert.deepEqual(
          letters.map((stored) => [stored.letter.reason, stored.letter.records.length]),
          [
            ['siem-rejected', 500],
            ['siem-rejected', 500],
          ],
        );
        assert.equal(
          new Set(h.siem.requests.map((request) => request.headers['idempotency-key'])).size,
          2,
          'one key per batch, kept on the retry',
        );
        const row = await conserved('1,000 identical records refused (422), run twice', h, keysOf(bodies));
        assert.equal(row.deadLettered, 1000);
        return row;
      },
    );

    scenario(
      'categories of 300 and 2,000 characters (tenant not allowed, SIEM refused): letters named within every store',
      'categories of 300 and 2,000 characters',
      () => ({
        settings: { ALLOWED_TENANT_IDS: TENANT },
        script: (request) => (request.body.includes(LONG_TABLE) ? { status: 422 } : accept),
      }),
      async (row, h) => {
        assert.equal(row.deadLettered, 2);
        const letters = await storedLetters(h.store);
        assert.deepEqual(letters.map((stored) => stored.letter.reason).sort(), ['siem-rejected', 'tenant-not-allowed']);
        for (const { name } of letters) {
          assert.ok(name.length <= 1024 && name.split('/').every((part) => Buffer.byteLength(part) <= 255), name);
        }
      },
      () => [
        ...standardBodies().slice(0, 2),
        body([
          ofTenant(keyedRecord('long-foreign', 'F'.repeat(284)), OTHER_TENANT),
          keyedRecord('long-refused', LONG_TABLE),
          keyedRecord('beside-0'),
        ]),
      ],
    );

    for (const format of ['json', 'sentinel'] as const) {
      scenario(
        `a request exactly at SIEM_MAX_BATCH_BYTES goes out (${format})`,
        `one record making a request of exactly SIEM_MAX_BATCH_BYTES (${format})`,
        () => ({
          path: format === 'sentinel' ? '' : '/ingest',
          settings: {
            ...(format === 'sentinel' ? SENTINEL_SETTINGS : { SIEM_FORMAT: format }),
            SIEM_MAX_BATCH_BYTES: '4096',
          },
          ...(format === 'sentinel' ? { pipeline: { credential: () => new ManagedIdentityCredential() } } : {}),
        }),
        (row, h) => {
          assert.equal(row.delivered, 2);
          assert.deepEqual(h.siem.requests.map((request) => Buffer.byteLength(request.body)).sort(), [302, 4096]);
        },
        () => [body([keyedRecord('exact-0', 'DeviceEvents', 4094), keyedRecord('beside-0')])],
      );
    }

    custom(
      'a body unpack cannot read is dead-lettered as unreadable, with the error; the other messages flow',
      async () => {
        const h = await harness(kind);
        const bodies = standardBodies().slice(0, 2);
        // A body the host handed over parsed, holding a value JSON cannot write.
        const parsed = { records: [JSON.parse(keyedRecord('unreadable-0')) as unknown], ReportId: 639199803770463703n };
        await h.invoke([...bodies, parsed]);
        const letters = await storedLetters(h.store);
        assert.deepEqual(
          letters.map((stored) => stored.letter.reason),
          ['unreadable'],
        );
        assert.match(String(letters[0]!.letter.detail), /BigInt/);
        assert.match(String(letters[0]!.letter.rawBody), /RecordKey: 'unreadable-0'/);
        const row = await conserved('a body unpack cannot read (unreadable)', h, keysOf(bodies));
        assert.equal(row.delivered, 50);
        // The unreadable body is kept as text other than JSON, where recordKeys does not look: counted here.
        return { ...row, in: row.in + 1, deadLettered: row.deadLettered + 1 };
      },
    );

    custom('SIEM down: held without dead letters, then dead-lettered once the hold is spent', async () => {
      const h = await harness(kind, {
        script: () => ({ status: 503 }),
        invocationBudgetMs: 300,
        outageHoldMs: 60 * 60_000,
      });
      const bodies = standardBodies();
      await assert.rejects(h.invoke(bodies), PendingRecordsError);
      assert.deepEqual(await storedLetters(h.store), [], 'a held invocation writes no dead letters');
      h.clock.now += 30 * 60_000;
      await assert.rejects(h.invoke(bodies, 1), PendingRecordsError);
      assert.deepEqual(await storedLetters(h.store), []);
      h.clock.now += 30 * 60_000;
      await h.invoke(bodies, 2);
      const row = await conserved('SIEM down past the 60 min hold', h, keysOf(bodies));
      assert.equal(row.deadLettered, 300);
      const letters = await storedLetters(h.store);
      assert.ok(letters.length <= 16, `${letters.length} letters for 16 batches: one per batch at most`);
      assert.ok(letters.every((stored) => stored.letter.reason === 'siem-unavailable'));
      return row;
    });

    /** DeviceNetworkEvents batches fail until the first try's deadline; then the SIEM takes everything. */
    async function partialOutage() {
      const state = { networkDown: true };
      const h = await harness(kind, {
        script: (request) =>
          state.networkDown && request.body.includes('DeviceNetworkEvents') ? { status: 503 } : accept,
        invocationBudgetMs: 300,
      });
      const bodies = standardBodies();
      await assert.rejects(h.invoke(bodies), PendingRecordsError);
      const deliveredFirst = deliveredOnce(h.siem).unique.size;
      assert.ok(deliveredFirst > 0, 'some DeviceProcessEvents went through on the first try');
      state.networkDown = false;
      // The first try had to run out of time; the retry must not, however slow the machine.
      h.budget.ms = 10_000;
      return { h, bodies, deliveredFirst };
    }

    custom('partial outage: a retried invocation sends only what did not go through', async () => {
      const { h, bodies } = await partialOutage();
      await h.invoke(bodies, 1);
      const row = await conserved('partial outage, retried on the same instance', h, keysOf(bodies));
      assert.equal(row.duplicates, 0);
      return row;
    });

    custom('partial outage retried on a restarted instance: duplicates, with the same ids and keys', async () => {
      const { h, bodies, deliveredFirst } = await partialOutage();
      const keys = (requests: typeof h.siem.requests) =>
        requests
          .filter((request) => request.body.includes('DeviceProcessEvents'))
          .map((request) => request.headers['idempotency-key']);
      const keysFirst = keys(h.siem.requests);
      h.restart();
      const before = h.siem.requests.length;
      await h.invoke(bodies, 1);
      const keysAgain = new Set(keys(h.siem.requests.slice(before)));
      assert.ok(
        keysFirst.every((key) => keysAgain.has(key)),
        'a batch sent again carries the Idempotency-Key it had the first time',
      );
      const row = await conserved('partial outage, retried after a restart', h, keysOf(bodies));
      assert.equal(row.duplicates, deliveredFirst, 'what the first try delivered arrives twice, and nothing else');
      return row;
    });

    // Hostile but valid answers, secrets and bodies: each is held like an outage or dead-lettered with its reason.

    custom(
      'a 404, then a redirect: held like an outage, the log says what to fix; delivered once the address answers',
      async () => {
        const state: { answer: Fault } = { answer: { status: 404, body: 'Not Found' } };
        const h = await harness(kind, { script: () => state.answer, invocationBudgetMs: 300 });
        const bodies = standardBodies();
        await assert.rejects(h.invoke(bodies), PendingRecordsError);
        state.answer = { status: 301, headers: { location: 'https://moved.example.com/ingest?sig=x' } };
        await assert.rejects(h.invoke(bodies, 1), PendingRecordsError);
        assert.deepEqual(await storedLetters(h.store), [], 'a wrong address dead-letters nothing while the hold lasts');
        const failures = h.log.filter((line) => line.includes('delivery failure'));
        assert.ok(
          failures.some((line) => /HTTP 404.*SIEM_URL/.test(line)),
          failures.join('\n'),
        );
        assert.ok(
          failures.some((line) => /HTTP 301.*moved\.example\.com\/ingest.*SIEM_URL/.test(line)),
          failures.join('\n'),
        );
        state.answer = accept;
        h.budget.ms = 10_000;
        await h.invoke(bodies, 2);
        const row = await conserved('404, then 301: held, then delivered', h, keysOf(bodies));
        assert.equal(row.delivered, 300);
        return row;
      },
    );

    scenario(
      'a 404 past the hold: dead-lettered as the SIEM unavailable, with the likely fix',
      '404 past the hold',
      () => ({ script: () => ({ status: 404 }), invocationBudgetMs: 300, outageHoldMs: 0 }),
      async (row, h) => {
        assert.equal(row.deadLettered, 300);
        const letters = await storedLetters(h.store);
        assert.ok(letters.every((stored) => stored.letter.reason === 'siem-unavailable'));
        // Batches the deadline came before had no answer to tell; those that had one say what to fix.
        const answered = letters.filter((stored) => stored.letter.status === 404);
        assert.ok(
          answered.length > 0 && answered.every((stored) => /HTTP 404.*SIEM_URL/.test(String(stored.letter.detail))),
        );
      },
    );

    scenario(
      'a Key Vault secret saved with its trailing newline (az keyvault secret set --file) is sent without it',
      'secret with a trailing newline',
      () => {
        vault.secrets.set('file-token', '\ufefftoken-from-file\r\n');
        return {
          ...secretFromVault('file-token', { SIEM_MAX_CONCURRENCY: '2' }),
          script: (request) => (request.headers.authorization === 'Bearer token-from-file' ? accept : { status: 401 }),
        };
      },
      (row) => assert.equal(row.delivered, 300),
    );

    custom(
      'a Key Vault secret that cannot travel in a header: held without a request, the log names it, never its value',
      async () => {
        const h = await harness(kind, {
          ...secretFromVault('bad-token', { SIEM_MAX_CONCURRENCY: '2' }),
          invocationBudgetMs: 300,
        });
        const bodies = standardBodies();
        for (const [retry, value] of [
          'first-half\nsecond-half',
          'first-half\rsecond-half',
          'first-half\u20acsecond-half',
        ].entries()) {
          vault.secrets.set('bad-token', value);
          await assert.rejects(h.invoke(bodies, retry), PendingRecordsError);
        }
        assert.equal(h.siem.requests.length, 0, 'nothing was sent with it');
        assert.deepEqual(await storedLetters(h.store), []);
        const failures = h.log.filter((line) => line.includes('delivery failure'));
        assert.ok(
          failures.length > 0 &&
            failures.every((line) => /secret-unavailable.*\\"bad-token\\".*HTTP header/.test(line)),
          failures.join('\n'),
        );
        assert.ok(
          h.log.every((line) => !line.includes('-half')),
          'the value reached the log',
        );
        vault.secrets.set('bad-token', 'good-token');
        h.budget.ms = 10_000;
        await h.invoke(bodies, 3);
        const row = await conserved('unsendable Key Vault secret, held, then fixed', h, keysOf(bodies));
        assert.equal(row.delivered, 300);
        assert.ok(h.siem.requests.every((request) => request.headers.authorization === 'Bearer good-token'));
        return row;
      },
    );

    scenario(
      'an unsendable secret past the hold: dead-lettered as secret-unavailable',
      'unsendable secret past the hold',
      () => {
        vault.secrets.set('bad-token-final', 'smart \u201cquotes\u201d');
        return { ...secretFromVault('bad-token-final'), invocationBudgetMs: 300, outageHoldMs: 0 };
      },
      async (row, h) => {
        assert.equal(row.deadLettered, 300);
        assert.equal(h.siem.requests.length, 0);
        assert.ok((await storedLetters(h.store)).every((stored) => stored.letter.reason === 'secret-unavailable'));
      },
    );

    scenario(
      'duplicate member names: fields read as JSON.parse reads them; a body with two records arrays dead-lettered whole',
      'duplicate member names',
      () => ({ settings: { ALLOWED_TENANT_IDS: TENANT } }),
      async (row, h) => {
        assert.equal(row.delivered, 51);
        const reasons = (await storedLetters(h.store)).map((stored) => stored.letter.reason).sort();
        assert.deepEqual(reasons, ['ambiguous-records', 'tenant-not-allowed']);
      },
      () => [
        ...standardBodies().slice(0, 2),
        body([keyedRecord('twin-tenant-0').replace(/\}$/, ',"tenantId":null}'), keyedRecord('plain-0')]),
        `{"records":[${keyedRecord('twin-a-0')}],"records":[${keyedRecord('twin-b-0')}]}`,
      ],
    );

    if (kind === 'blob') {
      custom(
        'a dead-letter store that takes the connection and never answers fails the invocation in time; the retry writes',
        async () => {
          const proxy = await startStorageProxy(azurite, 'blob');
          try {
            const h = await harness(kind, {
              settings: { DEAD_LETTER_STORAGE: proxy.connectionString },
              pipeline: { deadLetterTimeoutMs: 1_000 },
              invocationBudgetMs: 2_000,
            });
            const bodies = [
              ...standardBodies().slice(0, 2),
              '{"records":[{"category":"AdvancedHunting-DeviceEvents","properties":{"RecordKey":"bad-json-9"}}, tru',
            ];
            proxy.cut('hang');
            const started = Date.now();
            await assert.rejects(h.invoke(bodies), DeadLetterWriteError);
            const tookMs = Date.now() - started;
            assert.ok(tookMs < 2_000 + 1_000 + 2_000, `the invocation took ${tookMs} ms`);
            proxy.cut(undefined);
            await h.invoke(bodies, 1);
            const row = await conserved('dead-letter store hangs, then answers', h, keysOf(bodies));
            assert.deepEqual([row.delivered, row.deadLettered, row.duplicates], [50, 1, 0]);
            return row;
          } finally {
            await proxy.server.close();
          }
        },
      );
    }
  });
}

/** Harness options that read the SIEM secret `name` from the loopback Key Vault, through the real SDK. */
function secretFromVault(name: string, settings: Record<string, string> = {}): HarnessOptions {
  return {
    settings: { KEY_VAULT_URL: vault.url, SIEM_SECRET_NAME: name, SIEM_SECRET: '', ...settings },
    pipeline: {
      credential: () => new ManagedIdentityCredential(),
      keyVaultClientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true },
    },
  };
}

function formatRows(table: readonly Row[]): string {
  const lines = [
    '| scenario | records in | delivered | dead-lettered | duplicates | requests |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of table)
    lines.push(
      `| ${row.scenario} | ${row.in} | ${row.delivered} | ${row.deadLettered} | ${row.duplicates} | ${row.requests} |`,
    );
  return lines.join('\n');
}
