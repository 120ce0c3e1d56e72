/** The command line as a user runs it: a child process, settings from the environment, a real SIEM on loopback. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SiemReceiver } from '../../shared/receiver/receiver.js';
import { body, deviceEvent, deviceInfo } from '../support/records.js';

const CLI = fileURLToPath(new URL('../../shared/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dsf-cli-'));
let receiver: SiemReceiver;
let url: string;

before(async () => {
  receiver = new SiemReceiver({ token: 'cli-token' });
  url = await receiver.start();
});
after(() => receiver.stop());

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: work, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

test('replay forwards every record from .json, .jsonl and folders, and ends with a JSON summary', async () => {
  const folder = join(work, 'stream');
  const records = [deviceEvent('d1', 'null'), deviceInfo('d1', 'Servers')];
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'one.json'), body(records));
  writeFileSync(join(folder, 'many.jsonl'), `${body([deviceEvent('d1', 'absent')])}\n\n${body([deviceInfo('d2', 'X')])}\n`);
  writeFileSync(join(folder, 'ignored.txt'), 'not a message');
  const before = receiver.received;

  const result = await cli(['replay', '--json', folder], { SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token' });

  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  assert.deepEqual([summary.received, summary.forwarded, summary.failed], [4, 4, 0]);
  assert.equal(receiver.received - before, 4);
  assert.match(result.stdout, /AdvancedHunting-DeviceInfo\s+2\s+2\s+1/);
});

test('exit code 1 when records could not be forwarded; they are in the dead-letter folder', async () => {
  const file = join(work, 'bad.jsonl');
  writeFileSync(file, `${body([deviceInfo('d3', 'G')])}\nnot json\n`);
  const deadLetters = join(work, 'dead');

  const result = await cli(['replay', '--json', file], { SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token', DEAD_LETTER_DIR: deadLetters });

  assert.equal(result.code, 1);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  assert.deepEqual([summary.received, summary.forwarded, summary.failed], [2, 1, 1]);
  assert.equal(readdirSync(deadLetters, { recursive: true }).filter((name) => String(name).endsWith('.json')).length, 1);
});

test('exit code 2 and every problem named for a bad configuration', async () => {
  const result = await cli(['replay', work], { SIEM_URL: 'http://example.com', SIEM_MAX_BATCH_RECORDS: 'many' });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /SIEM_URL must be https/);
  assert.match(result.stderr, /SIEM_MAX_BATCH_RECORDS must be a whole number/);
});

test('settings fall back to local.settings.json Values; the environment wins', async () => {
  const file = join(work, 'single.json');
  writeFileSync(file, body([deviceInfo('d4', 'G')]));
  writeFileSync(join(work, 'local.settings.json'), JSON.stringify({ Values: { SIEM_URL: 'https://unused.example.com', SIEM_SECRET: 'cli-token' } }));
  const result = await cli(['replay', file], { SIEM_URL: `${url}/in` });
  assert.equal(result.code, 0, result.stderr);
});
