/** `defender-forwarder check` as a user runs it: a child process, its exit codes, its text and JSON reports. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SiemReceiver } from '../../cli/receiver/receiver.js';
import { startServer } from '../support/httpServer.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dsf-cli-check-'));
const TOKEN = 'check-token';
let receiver: SiemReceiver;
let url: string;

before(async () => {
  receiver = new SiemReceiver({ token: TOKEN });
  url = await receiver.start();
});
after(() => receiver.stop());

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'check', ...args],
      { cwd: work, env: { PATH: process.env.PATH, DEAD_LETTER_DIR: join(work, 'dead'), ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

interface JsonReport {
  ok: boolean;
  exitCode: number;
  checks: { kind: string; subject: string; status: string; detail: string; fix?: string; problems?: string[] }[];
}

test('exit 0 with one line per check when everything holds; the settings file is read as the other commands read it; no record is sent', async () => {
  const settings = join(work, 'app.settings.json');
  writeFileSync(
    settings,
    JSON.stringify({ IsEncrypted: false, Values: { SIEM_URL: `${url}/ingest`, SIEM_SECRET: TOKEN } }),
  );
  const result = await cli(['--settings', settings]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0]!, /^ok {4}settings: valid for the command line; SIEM_FORMAT=ndjson, SIEM_AUTH=bearer$/);
  assert.ok(lines.some((line) => /^note {2}SIEM credential \(SIEM_URL: SIEM_SECRET\): not proven/.test(line)));
  assert.match(lines.at(-1)!, /^All \d+ checks hold\.$/);
  assert.equal(receiver.received, 0);
  assert.ok(!result.stdout.includes(TOKEN));
});

test('exit 1 and a JSON report naming the failure and its fix when the SIEM cannot be reached', async () => {
  const result = await cli(['--json'], { SIEM_URL: 'http://127.0.0.1:1/ingest', SIEM_SECRET: TOKEN });
  assert.equal(result.code, 1);
  const report = JSON.parse(result.stdout) as JsonReport;
  assert.deepEqual([report.ok, report.exitCode], [false, 1]);
  assert.ok(
    report.checks.every(
      (checked) =>
        typeof checked.kind === 'string' && typeof checked.subject === 'string' && typeof checked.detail === 'string',
    ),
  );
  const endpoint = report.checks.find((checked) => checked.kind === 'siem-endpoint');
  assert.equal(endpoint?.status, 'failed');
  assert.match(endpoint?.fix ?? '', /SIEM_URL/);
});

test('exit 2 on invalid settings, every problem named, in text and JSON', async () => {
  const env = { SIEM_URL: 'http://siem.example.com/ingest', SIEM_SECRET: TOKEN, SIEM_TIMEOUT_SECONDS: 'soon' };
  const text = await cli([], env);
  assert.equal(text.code, 2);
  assert.match(text.stdout, /^FAIL {2}settings: 2 problem\(s\)/);
  assert.match(text.stdout, /- SIEM_URL must be https/);
  assert.match(text.stdout, /- SIEM_TIMEOUT_SECONDS/);
  const json = await cli(['--json'], env);
  assert.equal(json.code, 2);
  const report = JSON.parse(json.stdout) as JsonReport;
  assert.deepEqual(
    [report.ok, report.exitCode, report.checks.length, report.checks[0]?.problems?.length],
    [false, 2, 1, 2],
  );
  assert.equal((await cli(['--timeout', 'soon'], env)).code, 2);
});

test('--send-test-record sends exactly one record and reports the answer', async () => {
  const before = receiver.received;
  const result = await cli(['--send-test-record'], { SIEM_URL: `${url}/ingest`, SIEM_SECRET: TOKEN });
  assert.equal(result.code, 0, result.stdout);
  assert.match(
    result.stdout,
    /^ok {4}test record \(DeviceEvents, ActionType DefenderForwarderCheck\) to http:\/\/127\.0\.0\.1:\d+\/ingest: sent one synthetic record; the SIEM answered HTTP 200/m,
  );
  assert.equal(receiver.received - before, 1);
});

test('a store that never answers fails within --timeout, and the command ends while that server is still open', {
  timeout: 60_000,
}, async () => {
  const silent = await startServer(() => undefined);
  try {
    const storage = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('key').toString('base64')};BlobEndpoint=${silent.url}/devstoreaccount1;`;
    const result = await cli(['--json', '--timeout', '1'], {
      SIEM_URL: `${url}/ingest`,
      SIEM_SECRET: TOKEN,
      DEAD_LETTER_STORAGE: storage,
    });
    assert.equal(result.code, 1);
    const store = (JSON.parse(result.stdout) as JsonReport).checks.find((checked) =>
      checked.subject.startsWith('dead-letter container'),
    );
    assert.deepEqual([store?.status, store?.detail], ['failed', 'no answer in time']);
    assert.ok(silent.requests.length > 0);
  } finally {
    await silent.close();
  }
});
