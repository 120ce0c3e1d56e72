/** The command line as a user runs it: a child process, settings from the environment, a real SIEM on loopback. */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SiemReceiver } from '../../cli/receiver/receiver.js';
import { ndjsonLines, startServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, recordText, TENANT } from '../support/records.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
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
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: work, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

test('replay forwards every record from .json, .jsonl and folders, and ends with a JSON summary', async () => {
  const folder = join(work, 'stream');
  const records = [deviceEvent('d1', 'null'), deviceInfo('d1', 'Servers')];
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'one.json'), body(records));
  writeFileSync(
    join(folder, 'many.jsonl'),
    `${body([deviceEvent('d1', 'absent')])}\n\n${body([deviceInfo('d2', 'X')])}\n`,
  );
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

  const result = await cli(['replay', '--json', file], {
    SIEM_URL: `${url}/in`,
    SIEM_SECRET: 'cli-token',
    DEAD_LETTER_DIR: deadLetters,
  });

  assert.equal(result.code, 1);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  assert.deepEqual([summary.received, summary.forwarded, summary.failed], [2, 1, 1]);
  assert.equal(
    readdirSync(deadLetters, { recursive: true }).filter((name) => String(name).endsWith('.json')).length,
    1,
  );
});

test('a record whose table cannot be written in the templated URL is dead-lettered; the 60 beside it are forwarded', async () => {
  const file = join(work, 'surrogate.jsonl');
  const good = (i: number) => recordText({ table: 'DeviceEvents', properties: `"N":${i}` });
  const lines = Array.from({ length: 6 }, (_, line) => body(Array.from({ length: 10 }, (_, i) => good(line * 10 + i))));
  // Valid JSON: an escaped lone surrogate, which has no UTF-8 form to put in a URL.
  lines[3] = body([
    good(30),
    recordText({ table: 'Device\\ud800Events' }),
    ...Array.from({ length: 9 }, (_, i) => good(31 + i)),
  ]);
  writeFileSync(file, lines.join('\n'));
  const deadLetters = join(work, 'dead-surrogate');
  const before = receiver.received;

  const result = await cli(['replay', '--json', file], {
    SIEM_URL: `${url}/in/{table}`,
    SIEM_SECRET: 'cli-token',
    DEAD_LETTER_DIR: deadLetters,
  });

  assert.equal(result.code, 1, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
  assert.deepEqual([summary.received, summary.forwarded, summary.failed], [61, 60, 1]);
  assert.equal(receiver.received - before, 60);
  const [letter] = readdirSync(deadLetters, { recursive: true }).filter((name) => String(name).endsWith('.json'));
  const stored = JSON.parse(readFileSync(join(deadLetters, String(letter)), 'utf8')) as {
    reason: string;
    detail: string;
  };
  assert.equal(stored.reason, 'unroutable');
  assert.match(stored.detail, /^\{table\} cannot be written in a URL \(URI malformed/);
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
  writeFileSync(
    join(work, 'local.settings.json'),
    JSON.stringify({ Values: { SIEM_URL: 'https://unused.example.com', SIEM_SECRET: 'cli-token' } }),
  );
  const result = await cli(['replay', file], { SIEM_URL: `${url}/in` });
  assert.equal(result.code, 0, result.stderr);
});

test('progress goes to stderr as plain lines when it is not a terminal; stdout keeps the summary last', async () => {
  const folder = join(work, 'progress');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.json'), body([deviceInfo('d5', 'G')]));
  const result = await cli(['replay', '--json', folder], { SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token' });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^replay: 100% · ETA 0s · files 1\/1 · records 1 · 0\.0\/0\.0 MB · \d+ records\/s$/m);
  assert.doesNotMatch(result.stdout, /replay:/);
  assert.equal((JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { forwarded: number }).forwarded, 1);
  assert.deepEqual(
    readdirSync(work).filter((name) => name.endsWith('.checkpoint')),
    [],
    'a completed run leaves no checkpoint',
  );
});

test('exit code 2 for a time that is not ISO 8601, or nothing to replay', async () => {
  const env = { SIEM_URL: `${url}/in`, SIEM_SECRET: 'cli-token' };
  assert.equal((await cli(['replay', '--since', 'yesterday', work], env)).code, 2);
  assert.match((await cli(['replay', '--prefix', 'x'], env)).stderr, /needs a PATH or --from-blob/);
});

test('Ctrl-C stops after the chunk in flight (exit 130); the same command resumes from its checkpoint', async () => {
  const file = join(work, 'long.jsonl');
  const records = Array.from({ length: 300 }, (_, i) => recordText({ table: 'DeviceEvents', properties: `"N":${i}` }));
  writeFileSync(file, records.map((record) => body([record])).join('\n'));
  let child: ChildProcess | undefined;
  // The first request stands in for the moment the user presses Ctrl-C.
  const siem = await startServer((_request, index) => {
    if (index === 0) child?.kill('SIGINT');
    return { status: 200 };
  });
  const env = { SIEM_URL: `${siem.url}/in`, SIEM_SECRET: 'cli-token' };
  try {
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        child = execFile(
          process.execPath,
          [CLI, 'replay', file],
          { cwd: work, env: { PATH: process.env.PATH, ...env } },
          (_error, _stdout, stderr) => resolve({ code: child!.exitCode, stderr }),
        );
      });
    const first = await run();
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /Run the same command again to resume \(checkpoint .*replay-[0-9a-f]{12}\.checkpoint\)/);
    const firstCount = siem.requests.flatMap(ndjsonLines).length;
    assert.ok(firstCount > 0 && firstCount < records.length, `first run delivered ${firstCount}`);

    const second = await run();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Resuming from .*: 0 of 1 file\(s\) already done/);
    assert.deepEqual(
      siem.requests.flatMap(ndjsonLines).sort(),
      [...records].sort(),
      'every record once across both runs',
    );
  } finally {
    await siem.close();
  }
});

/** The summary `replay --json` prints last. */
function summaryOf(stdout: string): Record<string, number> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
}

test('a 404 or a redirect from the SIEM is retried like an outage, not dead-lettered: every record arrives', async () => {
  const file = join(work, 'moved.jsonl');
  const records = Array.from({ length: 6 }, (_, i) => recordText({ table: 'DeviceEvents', properties: `"N":${i}` }));
  writeFileSync(file, records.map((record) => body([record])).join('\n'));
  const siem = await startServer((_request, index) => {
    if (index === 0) return { status: 404, body: 'Not Found' };
    if (index === 1) return { status: 307, headers: { location: 'https://moved.example.com/in' } };
    return { status: 200 };
  });
  try {
    const result = await cli(['replay', '--json', file], {
      SIEM_URL: `${siem.url}/in`,
      SIEM_SECRET: 'cli-token',
      SIEM_MAX_BATCH_RECORDS: '2',
      SIEM_RETRY_INITIAL_MS: '5',
      SIEM_RETRY_MAX_MS: '20',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual([summaryOf(result.stdout).forwarded, summaryOf(result.stdout).failed], [6, 0]);
    assert.deepEqual([...new Set(siem.requests.flatMap(ndjsonLines))].sort(), [...records].sort());
  } finally {
    await siem.close();
  }
});

test('a secret with a trailing line break is sent without it, over several connections at once', async () => {
  const file = join(work, 'newline-secret.jsonl');
  writeFileSync(
    file,
    Array.from({ length: 6 }, (_, i) => body([recordText({ table: 'DeviceEvents', properties: `"N":${i}` })])).join(
      '\n',
    ),
  );
  const before = receiver.received;
  const result = await cli(['replay', '--json', file], {
    SIEM_URL: `${url}/in`,
    SIEM_SECRET: 'cli-token\r\n',
    SIEM_MAX_CONCURRENCY: '2',
    SIEM_MAX_BATCH_RECORDS: '1',
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(summaryOf(result.stdout).forwarded, 6);
  assert.equal(receiver.received - before, 6);
});

test('a secret that cannot travel in an HTTP header stops the run at start-up, named, its value never shown', async () => {
  const file = join(work, 'bad-secret.json');
  writeFileSync(file, body([deviceInfo('d6', 'G')]));
  for (const secret of ['cli\ntoken-part', 'cli\rtoken-part', 'cli-token-part\u20ac']) {
    const result = await cli(['replay', file], {
      SIEM_URL: `${url}/in`,
      SIEM_SECRET: secret,
      SIEM_MAX_CONCURRENCY: '2',
    });
    assert.equal(result.code, 2, JSON.stringify(secret) + result.stdout + result.stderr);
    assert.match(result.stderr, /SIEM_SECRET cannot be sent in an HTTP header/);
    assert.doesNotMatch(result.stdout + result.stderr, /token-part/);
  }
});

test('duplicate member names are read as JSON.parse reads them; a body with two records arrays is dead-lettered whole', async () => {
  const file = join(work, 'twins.jsonl');
  const lastTenantNull = recordText({ table: 'DeviceEvents', properties: '"N":"twin-tenant"' }).replace(
    /\}$/,
    ',"tenantId":null}',
  );
  const twoArrays = `{"records":[${recordText({ table: 'DeviceEvents', properties: '"N":"a"' })}],"records":[${recordText({ table: 'DeviceEvents', properties: '"N":"b"' })}]}`;
  writeFileSync(
    file,
    `${body([lastTenantNull, recordText({ table: 'DeviceEvents', properties: '"N":"plain"' })])}\n${twoArrays}\n`,
  );
  const deadLetters = join(work, 'dead-twins');
  const result = await cli(['replay', '--json', file], {
    SIEM_URL: `${url}/in`,
    SIEM_SECRET: 'cli-token',
    ALLOWED_TENANT_IDS: TENANT,
    DEAD_LETTER_DIR: deadLetters,
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const summary = summaryOf(result.stdout);
  assert.deepEqual([summary.received, summary.forwarded, summary.failed], [3, 1, 2]);
  const reasons = readdirSync(deadLetters, { recursive: true })
    .filter((name) => String(name).endsWith('.json'))
    .map((name) => (JSON.parse(readFileSync(join(deadLetters, String(name)), 'utf8')) as { reason: string }).reason)
    .sort();
  assert.deepEqual(reasons, ['ambiguous-records', 'tenant-not-allowed']);
});

test('a SIEM_URL password holding a slash is masked in the start-up error', async () => {
  const result = await cli(['replay', work], {
    SIEM_URL: 'https://elastic:My/Pa55word@siem.example.com/',
    SIEM_SECRET: 'cli-token',
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /SIEM_URL must be an absolute URL/);
  assert.doesNotMatch(result.stderr, /Pa55/);
});
