/**
 * Whole invocations, fuzzed: the unpack fuzzers mutate bodies against JSON.parse; this one draws whole invocations
 * (formats, URL and stream templates, routes, tenants allowed, batch limits, hostile tables and tenants, bad input)
 * and a SIEM answering each request as a hash of the seed and the body says, through the real handler, until
 * the trigger would stop retrying. Every case must end with each record delivered or dead-lettered (never both,
 * never neither), no invocation failing but to be retried, and no request sent to a path its template does not
 * say. A fixed seed and a bounded count: the same cases on every run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createEventHubHandler, PendingRecordsError } from '../../shared/app/eventHubHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { conservation } from '../support/conservation.js';
import { deadLetteredKeys } from '../support/deadLetters.js';
import { startFaultSiem, type Fault } from '../support/faultSiem.js';
import { eventHubContext } from '../support/invocation.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { pick, seededRandom } from '../support/random.js';
import { body, keyedRecord, recordKeys, TENANT } from '../support/records.js';

const SEED = 19;
const CASES = 24;

const OTHER_TENANT = '0d6c6a0e-3a8f-4c59-9d7e-2b3f7f1e9a11';
const NORMAL_TABLES = ['DeviceProcessEvents', 'DeviceInfo', 'DeviceEvents', 'EmailEvents'];
const TABLES = [
  ...NORMAL_TABLES,
  ...NORMAL_TABLES,
  '.',
  '..',
  '%2e',
  'Device\\ud800Events',
  'Gerätä報表',
  'a/b?c#d',
  'L'.repeat(300),
];
/** undefined: the record has no tenantId. */
const TENANTS = [TENANT, TENANT, OTHER_TENANT, OTHER_TENANT.toUpperCase(), '.', '..', 'a\\udc00', undefined];
const PATHS = [
  '/in',
  '/in/{table}',
  '/siem/{tenantId}/{table}/ingest',
  '/in/{category}?tenant={tenantId}',
  '/x{table}/{tenantId}',
];
const STREAMS = ['Custom-{table}', '{table}', 'Custom-{tenantId}-{table}'];
/** Mostly accepted; refusals that split a batch, that do not, and answers that may pass. */
const STATUSES = [200, 200, 200, 200, 200, 204, 400, 413, 422, 429, 500, 503];

let azurite: Azurite;
let identity: TestIdentity;
before(async () => {
  [azurite, identity] = await Promise.all([startAzurite(), startManagedIdentity()]);
  Object.assign(process.env, identity.env);
});
after(() => Promise.all([azurite.stop(), identity.close()]));

interface Case {
  readonly settings: Record<string, string>;
  readonly deadLetters: 'blob' | 'folder';
  readonly outageHoldMs: number;
  readonly bodies: string[];
  /** The path template requests must keep to (before any query). */
  readonly path: string;
}

function drawCase(random: () => number, n: number): Case {
  const format = pick(['ndjson', 'json', 'sentinel'] as const, random);
  const path = format === 'sentinel' ? '' : pick(PATHS, random);
  const maxBytes = 1024 + Math.floor(random() * 8192);
  const settings: Record<string, string> = {
    SIEM_FORMAT: format,
    SIEM_MAX_BATCH_BYTES: String(maxBytes),
    SIEM_MAX_BATCH_RECORDS: String(1 + Math.floor(random() * 40)),
    SIEM_MAX_CONCURRENCY: String(1 + Math.floor(random() * 4)),
    ...(format === 'sentinel'
      ? { SENTINEL_DCR_ID: 'dcr-0123456789abcdef0123456789abcdef', SENTINEL_STREAM: pick(STREAMS, random) }
      : {}),
    ...(random() < 0.3 ? { ALLOWED_TENANT_IDS: TENANT } : {}),
  };
  if (format !== 'sentinel' && random() < 0.3)
    settings.SIEM_ROUTES = JSON.stringify({ DeviceInfo: { url: '{siem}/assets/{tenantId}' } });
  let key = 0;
  const record = () => {
    const tenant = pick(TENANTS, random);
    const size = random() < 0.05 ? maxBytes : 200 + Math.floor(random() * 600);
    const text = keyedRecord(`c${n}-${key++}`, pick(TABLES, random), size);
    return tenant === undefined ? text.replace(`"tenantId":"${TENANT}",`, '') : text.replace(TENANT, tenant);
  };
  const element = () => {
    const roll = random();
    if (roll < 0.03) return '42';
    if (roll < 0.06) return `{"properties":{"RecordKey":"c${n}-${key++}"}}`;
    // The same record twice: two records, each delivered or dead-lettered.
    if (roll < 0.1) {
      const twin = record();
      return `${twin},${twin}`;
    }
    return record();
  };
  const message = () => {
    const text = body(Array.from({ length: Math.floor(random() * 20) }, element));
    const roll = random();
    if (roll < 0.04) return text.slice(0, -3);
    if (roll < 0.07) return text.replace('{"records":', '{"value":');
    return text;
  };
  return {
    settings,
    deadLetters: pick(['blob', 'folder'] as const, random),
    outageHoldMs: pick([0, 60_000], random),
    bodies: Array.from({ length: 1 + Math.floor(random() * 6) }, message),
    path,
  };
}

/** The same answer for the same body seen the same number of times, whatever order concurrent requests come in. */
function answerOf(seen: Map<string, number>) {
  return (request: { body: string }): Fault => {
    const times = seen.get(request.body) ?? 0;
    seen.set(request.body, times + 1);
    const digest = createHash('sha256').update(`${SEED}:${times}:`).update(request.body).digest();
    const status = STATUSES[digest[0]! % STATUSES.length]!;
    return status === 429 ? { status, headers: { 'retry-after': '0' } } : { status };
  };
}

test(`${CASES} fuzzed invocations (seed ${SEED}): every record delivered or dead-lettered, no path changed`, async () => {
  const random = seededRandom(SEED);
  let records = 0;
  for (let n = 0; n < CASES; n++) {
    const drawn = drawCase(random, n);
    const siem = await startFaultSiem(answerOf(new Map()));
    const { SIEM_ROUTES, ...rest } = drawn.settings;
    const config = loadConfig(
      {
        SIEM_URL: `${siem.url}${drawn.path}`,
        ...(drawn.settings.SIEM_FORMAT === 'sentinel' ? {} : { SIEM_AUTH: 'none' }),
        SIEM_RETRY_INITIAL_MS: '1',
        SIEM_RETRY_MAX_MS: '10',
        DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-fuzz-')),
        DEAD_LETTER_STORAGE: azurite.connectionString,
        DEAD_LETTER_CONTAINER: `fuzz-${n}`,
        ...rest,
        ...(SIEM_ROUTES ? { SIEM_ROUTES: SIEM_ROUTES.replace('{siem}', siem.url) } : {}),
      },
      { functionsApp: false },
    );
    const { pipeline, close } = createPipeline(config, {
      deadLetters: drawn.deadLetters,
      credential: () => new ManagedIdentityCredential(),
    });
    const clock = { now: 0 };
    const handle = createEventHubHandler(pipeline, {
      invocationBudgetMs: 600,
      outageHoldMs: drawn.outageHoldMs,
      now: () => clock.now,
    });
    const where = `case ${n}: ${JSON.stringify({ ...drawn.settings, deadLetters: drawn.deadLetters, path: drawn.path })}`;
    try {
      // As the trigger does: run it again while it fails with records pending, until the hold is spent.
      for (let retryCount = 0; ; retryCount++) {
        try {
          await handle(drawn.bodies, eventHubContext({ messages: drawn.bodies.length, retryCount }));
          break;
        } catch (error) {
          if (!(error instanceof PendingRecordsError) || retryCount >= 3)
            throw new Error(`${where}: ${String(error)}`, { cause: error });
          clock.now += drawn.outageHoldMs + 1;
        }
      }
      const inputs = drawn.bodies.flatMap(recordKeys);
      records += inputs.length;
      conservation(inputs, siem.accepted, await deadLetteredKeys(pipeline.deadLetters));
      // A filled-in template keeps the template's path segments, none of them empty or a dot segment.
      const segments = drawn.path.split('?')[0]!.split('/').length;
      for (const request of siem.requests) {
        const parts = request.path.split('?')[0]!.split('/');
        assert.ok(
          parts.slice(1).every((part) => part !== '.' && part !== '..' && part !== ''),
          `${where}: ${request.path}`,
        );
        if (drawn.path !== '' && !request.path.startsWith('/assets/'))
          assert.equal(parts.length, segments, `${where}: ${request.path}`);
      }
    } finally {
      await Promise.all([close(), siem.close()]);
    }
  }
  assert.ok(records > 500, `enough records to mean something (${records})`);
});
