import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import { SiemReceiver } from '../../cli/receiver/receiver.js';
import { keyedRecord } from '../support/records.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

async function letters(count: number): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'dsf-cli-redrive-'));
  const store = new FolderDeadLetterStore(directory);
  for (let i = 0; i < count; i++) {
    await store.write({
      meta: {
        reason: 'siem-unavailable',
        detail: 'd',
        attempts: 3,
        failedAt: `2026-11-23T09:00:0${i}.000Z`,
        source: { files: ['x.jsonl'] },
      },
      records: [keyedRecord(`cli-${i}-0`), keyedRecord(`cli-${i}-1`)],
    });
  }
  return directory;
}

function cli(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    // A folder without local.settings.json: the settings are the environment given, nothing else.
    execFile(
      process.execPath,
      [CLI, 'redrive', '--json'],
      { cwd: mkdtempSync(join(tmpdir(), 'dsf-cli-cwd-')), env: { PATH: process.env.PATH, ...env } },
      (error, stdout) => {
        resolve({ code: error ? Number(error.code) : 0, stdout });
      },
    );
  });
}

test("defender-forwarder redrive sends the folder's letters, deletes them, and exits 0", async () => {
  const receiver = new SiemReceiver({ token: 'cli-token' });
  const url = await receiver.start();
  try {
    const directory = await letters(3);
    const { code, stdout } = await cli({ SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token', DEAD_LETTER_DIR: directory });
    assert.equal(code, 0, stdout);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      letters: number;
      emptied: number;
      recordsDelivered: number;
    };
    assert.deepEqual([summary.letters, summary.emptied, summary.recordsDelivered], [3, 3, 6]);
    assert.equal(receiver.received, 6);
    assert.equal(
      (await cli({ SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token', DEAD_LETTER_DIR: directory })).stdout.split(
        '\n',
      )[0],
      `0 letter(s) in ${directory}: 0 delivered and deleted, 0 kept, 0 cannot be sent, 0 held by another redrive; 0 record(s) delivered, 0 remaining`,
    );
  } finally {
    await receiver.stop();
  }
});

test('defender-forwarder redrive exits 1 while letters remain, and 2 on bad settings', async () => {
  const receiver = new SiemReceiver({ token: 'right' });
  const url = await receiver.start();
  try {
    const directory = await letters(1);
    const refused = await cli({
      SIEM_URL: `${url}/in`,
      SIEM_SECRET: 'wrong',
      DEAD_LETTER_DIR: directory,
      SIEM_RETRY_SECONDS: '1',
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /1 kept/);
    const bad = await cli({ SIEM_URL: 'http://siem.example.com/in', SIEM_SECRET: 'x', DEAD_LETTER_DIR: directory });
    assert.equal(bad.code, 2);
  } finally {
    await receiver.stop();
  }
});
