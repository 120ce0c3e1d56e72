import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import { forward } from '../../shared/pipeline/forward.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { redrive } from '../../shared/redrive/redrive.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { deadLetteredKeys, storedLetters } from '../support/deadLetters.js';
import { accept, deliveredOnce, startFaultSiem, type FaultScript, type FaultSiem } from '../support/faultSiem.js';
import { body, deviceEvent, deviceInfo, keyedRecord, recordKeys, recordText, TENANT } from '../support/records.js';

let azurite: Azurite;
let containers = 0;
const closers: (() => Promise<void>)[] = [];
before(async () => {
  azurite = await startAzurite();
});
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));
after(() => azurite.stop());

interface Setup {
  readonly siem: FaultSiem;
  readonly pipeline: Pipeline;
  /** What the SIEM does now; tests change it between forwarding and redriving. */
  script: FaultScript;
}

async function setup(kind: 'blob' | 'folder', settings: Record<string, string> = {}): Promise<Setup> {
  const state = { script: (() => accept) as FaultScript };
  const siem = await startFaultSiem((request, index) => state.script(request, index));
  const config = loadConfig(
    {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      SIEM_MAX_BATCH_RECORDS: '10',
      SIEM_RETRY_INITIAL_MS: '5',
      SIEM_RETRY_MAX_MS: '20',
      DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-redrive-')),
      DEAD_LETTER_STORAGE: azurite.connectionString,
      DEAD_LETTER_CONTAINER: `redrive-${++containers}`,
      ...settings,
    },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: kind });
  closers.push(close, siem.close);
  return Object.assign(state, { siem, pipeline });
}

/** Forwards while the SIEM is down, on the last attempt: everything ends in dead letters. */
async function deadLetterWhileDown(s: Setup, bodies: readonly (string | Buffer)[]): Promise<void> {
  s.script = () => ({ status: 503 });
  const messages = bodies.map((payload, i) => ({
    body: payload,
    source: { hub: 'hub', partition: '0', sequenceNumber: 100 + i },
  }));
  // Long enough that every batch is tried at least once (a test reads their keys) even on a loaded machine.
  const summary = await forward(s.pipeline, messages, { deadline: Date.now() + 500, finalAttempt: true });
  assert.equal(summary.forwarded, 0);
}

const run = (s: Setup, letterBudgetMs = 5_000) =>
  redrive(s.pipeline, s.pipeline.deadLetters, { deadline: Date.now() + 30_000, letterBudgetMs });
const keyed = (prefix: string, count: number) =>
  body(Array.from({ length: count }, (_, i) => keyedRecord(`${prefix}-${i}`)));

for (const kind of ['blob', 'folder'] as const) {
  describe(`redrive from the ${kind} store`, () => {
    test('letters whose records are all delivered are deleted; records keep their ids, so batches keep their keys', async () => {
      const s = await setup(kind);
      const enriched = body([deviceInfo('dev-1', 'Tier 0'), deviceEvent('dev-1', 'null')]);
      await deadLetterWhileDown(s, [keyed('a', 15), enriched]);
      const firstKeys = new Set(s.siem.requests.map((request) => request.headers['idempotency-key']));
      s.script = () => accept;
      const sentBefore = s.siem.requests.length;
      const summary = await run(s);
      assert.deepEqual(
        {
          letters: summary.letters,
          emptied: summary.emptied,
          kept: summary.kept,
          delivered: summary.recordsDelivered,
          stopped: summary.stopped,
        },
        { letters: 3, emptied: 3, kept: 0, delivered: 17, stopped: undefined },
      );
      assert.deepEqual(await storedLetters(s.pipeline.deadLetters), []);
      const redriven = s.siem.requests.slice(sentBefore);
      assert.equal(redriven.length, 3);
      assert.ok(
        redriven.every((request) => firstKeys.has(request.headers['idempotency-key'])),
        'every redriven batch carries the key it had when it first failed',
      );
      assert.ok(
        s.siem.requests.some((request) => request.body.includes('"MachineGroup":"Tier 0"')),
        'sent as enriched',
      );
    });

    test('a letter with a record the SIEM refuses keeps only that record, with its attempts raised and the answer', async () => {
      const s = await setup(kind);
      await deadLetterWhileDown(s, [keyed('p', 6)]);
      const [before] = await storedLetters(s.pipeline.deadLetters);
      s.script = (request) =>
        request.body.includes('"p-4"') ? { status: 400, body: { error: 'p-4 rejected' } } : accept;
      const summary = await run(s);
      assert.deepEqual([summary.kept, summary.recordsDelivered, summary.recordsRemaining], [1, 5, 1]);
      const [after] = await storedLetters(s.pipeline.deadLetters);
      assert.equal(after!.name, before!.name);
      assert.deepEqual(deliveredOnce(s.siem).unique.size, 5);
      assert.deepEqual(await deadLetteredKeys(s.pipeline.deadLetters), ['p-4']);
      assert.equal(after!.letter.reason, 'siem-unavailable', 'the original why is kept');
      assert.ok(after!.letter.attempts > before!.letter.attempts);
      assert.equal(after!.letter.redrives, 1);
      assert.deepEqual(after!.letter.lastFailure, {
        reason: 'siem-rejected',
        detail: 'the SIEM refused the records: bad request',
        status: 400,
        responseExcerpt: '{"error":"p-4 rejected"}',
      });
      assert.deepEqual(after!.letter.recordIds, [(before!.letter.recordIds as string[])[4]]);
    });

    test('while the SIEM is still down the run stops at the first letter and leaves the others untouched', async () => {
      const s = await setup(kind);
      await deadLetterWhileDown(s, [keyed('x', 5), keyed('y', 5), keyed('z', 5)]);
      const before = await storedLetters(s.pipeline.deadLetters);
      const summary = await run(s, 300);
      assert.deepEqual([summary.letters, summary.kept, summary.stopped], [1, 1, 'siem-unavailable']);
      const after = await storedLetters(s.pipeline.deadLetters);
      assert.deepEqual(
        after.slice(1).map((stored) => stored.content),
        before.slice(1).map((stored) => stored.content),
      );
      assert.equal(after[0]!.letter.redrives, 1);
    });

    test('a body that was not JSON, or not UTF-8, cannot be redriven: it stays as it was, and is counted', async () => {
      const s = await setup(kind);
      await deadLetterWhileDown(s, ['{"records":[tru', Buffer.from([0x7b, 0xff, 0x7d])]);
      const before = await storedLetters(s.pipeline.deadLetters);
      assert.deepEqual(before.map((stored) => [stored.letter.rawBody, stored.letter.rawBodyBase64]).sort(), [
        [undefined, 'e/99'],
        ['{"records":[tru', undefined],
      ]);
      const summary = await run(s);
      assert.equal(summary.unredrivable, 2);
      assert.deepEqual(
        (await storedLetters(s.pipeline.deadLetters)).map((stored) => stored.content),
        before.map((stored) => stored.content),
      );
    });

    test('two redrives at once deliver every record exactly once', async () => {
      const s = await setup(kind);
      await deadLetterWhileDown(
        s,
        Array.from({ length: 6 }, (_, i) => keyed(`c${i}`, 10)),
      );
      s.script = () => accept;
      const [one, two] = await Promise.all([run(s), run(s)]);
      assert.equal(one.emptied + two.emptied, 6);
      const { unique, duplicates } = deliveredOnce(s.siem);
      assert.deepEqual([unique.size, duplicates], [60, 0]);
      assert.deepEqual(await storedLetters(s.pipeline.deadLetters), []);
    });
  });
}

test('letters of a tenant ALLOWED_TENANT_IDS refuses are never sent by redrive; they wait, whole, for the tenant to be admitted', async () => {
  const other = '0f0f0f0f-0000-4000-8000-000000000001';
  const folder = mkdtempSync(join(tmpdir(), 'dsf-redrive-tenant-'));
  const s = await setup('folder', { ALLOWED_TENANT_IDS: TENANT, DEAD_LETTER_DIR: folder });
  const foreign = recordText({
    table: 'DeviceProcessEvents',
    tenantId: other,
    properties: '"RecordKey":"other-customer-1"',
  });
  await forward(
    s.pipeline,
    [{ body: body([keyedRecord('ours-1'), foreign]), source: { hub: 'hub', partition: '0', sequenceNumber: 1 } }],
    {
      deadline: Date.now() + 5_000,
      finalAttempt: true,
    },
  );
  assert.deepEqual(
    s.siem.requests.flatMap((request) => recordKeys(request.body)),
    ['ours-1'],
  );
  const [letter] = await storedLetters(s.pipeline.deadLetters);
  assert.equal(letter?.letter.reason, 'tenant-not-allowed');

  const summary = await run(s);
  assert.deepEqual({ emptied: summary.emptied, kept: summary.kept }, { emptied: 0, kept: 1 });
  assert.deepEqual(
    s.siem.requests.flatMap((request) => recordKeys(request.body)),
    ['ours-1'],
    "redrive sent a refused tenant's record",
  );
  assert.deepEqual(
    (await storedLetters(s.pipeline.deadLetters)).map((stored) => stored.content),
    [letter?.content],
  );

  // Admitted later, by a pipeline over the same folder, the tenant's records go out and the letter goes.
  const admitted = createPipeline(
    loadConfig(
      {
        SIEM_URL: `${s.siem.url}/in`,
        SIEM_AUTH: 'none',
        DEAD_LETTER_DIR: folder,
        ALLOWED_TENANT_IDS: `${TENANT},${other}`,
      },
      { functionsApp: false },
    ),
    { deadLetters: 'folder' },
  );
  closers.push(admitted.close);
  const later = await redrive(admitted.pipeline, admitted.pipeline.deadLetters, {
    deadline: Date.now() + 30_000,
    letterBudgetMs: 5_000,
  });
  assert.equal(later.emptied, 1);
  assert.deepEqual(
    s.siem.requests.flatMap((request) => recordKeys(request.body)),
    ['ours-1', 'other-customer-1'],
  );
});
