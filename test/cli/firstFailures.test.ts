/**
 * The first failures of a run are said on stderr when they first happen, once each, with the likely fix: not only in
 * the dead letters at the end. The command line runs as a child process against real servers on loopback.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import { testCertificates } from '../support/certificates.js';
import { linesMatching, runCli, withReceiver } from '../support/cli.js';
import { captureFile } from '../support/defenderFiles.js';
import { startServer } from '../support/httpServer.js';
import { body, deviceEvent, deviceInfo, keyedRecord } from '../support/records.js';

const work = mkdtempSync(join(tmpdir(), 'dsf-first-failures-'));

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function stream(name: string, bodies: readonly string[]): string {
  const file = join(work, name);
  writeFileSync(file, `${bodies.join('\n')}\n`);
  return file;
}

const deadLetterDir = () => mkdtempSync(join(tmpdir(), 'dsf-dead-'));

test('replay against a port nothing listens on says so at the first refused connection, with the fix', {
  timeout: 60_000,
}, async () => {
  const file = stream('refused.jsonl', [body([deviceInfo('r1', 'G')])]);
  const env = {
    SIEM_URL: `http://127.0.0.1:${await closedPort()}/in`,
    SIEM_AUTH: 'none',
    SIEM_RETRY_SECONDS: '30',
    DEAD_LETTER_DIR: deadLetterDir(),
  };

  const run = await runCli(['replay', file], env, { cwd: work, stopWhen: (stderr) => /ECONNREFUSED/.test(stderr) });

  assert.ok(run.stopped, `nothing said while the run retried:\n${run.stderr}`);
  const [line] = linesMatching(run.stderr, /ECONNREFUSED/);
  assert.match(line ?? '', /check SIEM_URL/);
  assert.match(line ?? '', /SIEM_RETRY_SECONDS/, 'says how long it keeps trying before dead-lettering');
});

test('a refused connection is said once however many batches meet it; the run ends with exit 1', {
  timeout: 60_000,
}, async () => {
  const bodies = Array.from({ length: 250 }, (_, i) =>
    body([keyedRecord(`refused-${i}`, i % 2 ? 'DeviceProcessEvents' : 'DeviceFileEvents')]),
  );
  const file = stream('refused-many.jsonl', bodies);
  const env = {
    SIEM_URL: `http://127.0.0.1:${await closedPort()}/in`,
    SIEM_AUTH: 'none',
    SIEM_RETRY_SECONDS: '1',
    DEAD_LETTER_DIR: deadLetterDir(),
  };

  const run = await runCli(['replay', '--json', file], env, { cwd: work });

  assert.equal(run.code, 1);
  assert.equal(linesMatching(run.stderr, /ECONNREFUSED/).length, 1, run.stderr);
  assert.equal((JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { deadLettered: number }).deadLettered, 250);
});

test('a refused credential is said once, naming the secret and SIEM_AUTH', () =>
  withReceiver('right', async (_receiver, url) => {
    const file = stream('unauthorized.jsonl', [
      body([deviceInfo('u1', 'G'), deviceEvent('u1', 'absent')]),
      body([deviceEvent('u2', 'absent', 'DeviceFileEvents')]),
    ]);
    const run = await runCli(
      ['replay', file],
      { SIEM_URL: `${url}/in`, SIEM_SECRET: 'wrong', DEAD_LETTER_DIR: deadLetterDir() },
      { cwd: work },
    );

    assert.equal(run.code, 1);
    const lines = linesMatching(run.stderr, /HTTP 401/);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /SIEM_SECRET/);
    assert.match(lines[0]!, /SIEM_AUTH/);
    assert.doesNotMatch(run.stderr, /wrong/, 'never the secret itself');
  }));

test('a certificate the forwarder does not trust is said with the CA setting', { timeout: 60_000 }, async () => {
  const certificates = testCertificates();
  const siem = await startServer(() => ({ status: 200 }), {
    cert: certificates.serverCert,
    key: certificates.serverKey,
  });
  try {
    const file = stream('tls.jsonl', [body([deviceInfo('t1', 'G')])]);
    const env = {
      SIEM_URL: `${siem.url}/in`,
      SIEM_AUTH: 'none',
      SIEM_RETRY_SECONDS: '30',
      DEAD_LETTER_DIR: deadLetterDir(),
    };

    const run = await runCli(['replay', file], env, { cwd: work, stopWhen: (stderr) => /SIEM_CA_CERT/.test(stderr) });

    assert.ok(run.stopped, run.stderr);
    assert.match(linesMatching(run.stderr, /SIEM_CA_CERT/)[0]!, /certificate/);
  } finally {
    await siem.close();
  }
});

test('unreadable inputs name their file and line; the records around them go through', () =>
  withReceiver('t', async (receiver, url) => {
    const folder = join(work, 'broken');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'bad.json'), '{"records":[\n  {"a":1},\n  oops\n]}\n');
    writeFileSync(
      join(folder, 'lines.jsonl'),
      `${body([deviceInfo('b1', 'G')])}\n{"records":[\n${body([deviceInfo('b2', 'G')])}\n`,
    );

    const run = await runCli(
      ['replay', folder],
      { SIEM_URL: `${url}/in`, SIEM_SECRET: 't', DEAD_LETTER_DIR: deadLetterDir() },
      { cwd: work },
    );

    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.json: invalid JSON at line 3\b/);
    assert.match(run.stderr, /lines\.jsonl: invalid JSON at line 2\b/);
    assert.equal(receiver.received, 2);
  }));

test('a file that is not an Avro container is named as such; the run stops there with exit 1, and resumes once it is gone', async () => {
  const folder = join(work, 'avro');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a.jsonl'), `${body([deviceInfo('a1', 'G')])}\n`);
  writeFileSync(join(folder, 'x.avro'), 'not an avro file at all');
  const siem = await startServer(() => ({ status: 200 }));
  const env = { SIEM_URL: `${siem.url}/in`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetterDir() };
  try {
    const run = await runCli(['replay', folder], env, { cwd: work });

    assert.equal(run.code, 1);
    assert.match(run.stderr, /x\.avro: not an Avro container file/);
    assert.doesNotMatch(run.stderr, /magic bytes|\n\s+at /, 'no library wording, no stack trace');
    assert.match(run.stderr, /repair or remove it, then run the same command again to resume/);
    assert.equal(siem.requests.length, 1, 'the file before it was forwarded');

    rmSync(join(folder, 'x.avro'));
    const resumed = await runCli(['replay', folder], env, { cwd: work });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /Resuming from .*: 1 of 1 file\(s\) already done/);
    assert.equal(siem.requests.length, 1, 'nothing sent twice');
  } finally {
    await siem.close();
  }
});

test('a Capture file cut short is named, not read as if it ended there', async () => {
  const folder = join(work, 'cut');
  mkdirSync(folder, { recursive: true });
  const whole = await captureFile([body([deviceInfo('c1', 'G')]), body([deviceInfo('c2', 'G')])], { codec: 'deflate' });
  writeFileSync(join(folder, 'cut.avro'), whole.subarray(0, whole.length - 20));
  const siem = await startServer(() => ({ status: 200 }));
  try {
    const run = await runCli(
      ['replay', folder],
      { SIEM_URL: `${siem.url}/in`, SIEM_AUTH: 'none', DEAD_LETTER_DIR: deadLetterDir() },
      { cwd: work },
    );

    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /cut\.avro: cut short/);
  } finally {
    await siem.close();
  }
});

test('redrive says the first refused connection with the fix, before its summary', async () => {
  const directory = deadLetterDir();
  await new FolderDeadLetterStore(directory).write({
    meta: {
      reason: 'siem-unavailable',
      detail: 'd',
      attempts: 1,
      failedAt: '2026-11-23T09:00:00.000Z',
      source: { files: ['x.jsonl'] },
    },
    records: [keyedRecord('redrive-0')],
  });
  const env = {
    SIEM_URL: `http://127.0.0.1:${await closedPort()}/in`,
    SIEM_AUTH: 'none',
    SIEM_RETRY_SECONDS: '1',
    DEAD_LETTER_DIR: directory,
  };

  const run = await runCli(['redrive'], env, { cwd: work });

  assert.equal(run.code, 1);
  const lines = linesMatching(run.stderr, /ECONNREFUSED/);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /check SIEM_URL/);
  assert.match(run.stdout, /1 kept/);
});
