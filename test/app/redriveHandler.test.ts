import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import functions, { type Timer } from '@azure/functions';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { createRedriveHandler } from '../../shared/app/redriveHandler.js';
import { loadConfig } from '../../shared/config/config.js';
import { storedLetters } from '../support/deadLetters.js';
import { accept, startFaultSiem } from '../support/faultSiem.js';
import { keyedRecord } from '../support/records.js';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

test('the redrive timer sends the letters again and logs each letter and the run', async () => {
  const siem = await startFaultSiem(() => accept);
  const config = loadConfig(
    { SIEM_URL: `${siem.url}/in`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: mkdtempSync(join(tmpdir(), 'dsf-timer-')) },
    { functionsApp: false },
  );
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder' });
  try {
    await pipeline.deadLetters.write({
      meta: { reason: 'siem-unavailable', detail: 'd', attempts: 2, failedAt: '2026-11-23T09:00:00.000Z', source: {} },
      records: [keyedRecord('t-0'), keyedRecord('t-1')],
    });
    const log: string[] = [];
    const context = new functions.InvocationContext({
      functionName: 'redrive',
      logHandler: (level, ...args) => log.push(`${level}: ${args.join(' ')}`),
    });
    await createRedriveHandler(pipeline, pipeline.deadLetters, { invocationBudgetMs: 10_000, letterBudgetMs: 1_000 })(
      timer,
      context,
    );
    assert.deepEqual(siem.accepted, ['t-0', 't-1']);
    assert.deepEqual(await storedLetters(pipeline.deadLetters), []);
    assert.ok(
      log.some((line) => /^information: redrive letter delivered .*"records":2/.test(line)),
      log.join('\n'),
    );
    assert.ok(
      log.some((line) => /^information: redrive \{"letters":1,"emptied":1/.test(line)),
      log.join('\n'),
    );
  } finally {
    await close();
    await siem.close();
  }
});
