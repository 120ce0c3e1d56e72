/**
 * What starting the command line costs. Loading the Azure SDKs takes longer than anything else at start (half a
 * second of a replay's start on this 2-core machine), so each is loaded when first needed, and a replay of files
 * with no Azure setting needs none of them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { body, deviceEvent } from '../support/records.js';
import { startServer } from '../support/httpServer.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const MODULE_LOG = fileURLToPath(new URL('../support/moduleLog.js', import.meta.url));
const AZURE_SDKS = /node_modules\/(@azure\/(identity|storage-blob|data-tables|keyvault-secrets|msal-node)|avsc)\//;

test('a replay of files with no Azure setting loads no Azure SDK', async () => {
  const siem = await startServer(() => ({ status: 200, body: {} }));
  const work = mkdtempSync(join(tmpdir(), 'dsf-startup-'));
  const file = join(work, 'history.ndjson');
  writeFileSync(file, `${body([deviceEvent('d1', 'null')])}\n`);
  const log = join(work, 'modules.txt');
  try {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const env = {
        PATH: process.env.PATH,
        MODULE_LOG: log,
        SIEM_URL: `${siem.url}/in`,
        SIEM_SECRET: 'token',
        DEAD_LETTER_DIR: join(work, 'dead'),
      };
      const args = ['--import', MODULE_LOG, CLI, 'replay', '--checkpoint', join(work, 'checkpoint'), file];
      execFile(process.execPath, args, { cwd: work, env }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    assert.equal(code, 0, stderr);
    assert.equal(siem.requests.length, 1, 'the record was forwarded');
    const modules = readFileSync(log, 'utf8').split('\n');
    assert.ok(
      modules.some((url) => url.includes('/node_modules/undici/')),
      'the log records packages (undici sends to the SIEM)',
    );
    assert.deepEqual(
      modules.filter((url) => AZURE_SDKS.test(url)),
      [],
    );
  } finally {
    await siem.close();
  }
});
