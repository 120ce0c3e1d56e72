/**
 * README's two-terminal flow: `npm run cli -- receive --token local-token` in one, `npm run cli -- replay --settings
 * local.settings.receive.json FILE` in the other. Both are the real command in child processes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_ENTRY, runCli } from '../support/cli.js';
import { body, deviceEvent, deviceInfo } from '../support/records.js';

const SETTINGS = fileURLToPath(new URL('../../../local.settings.receive.json', import.meta.url));

test('local.settings.receive.json is all replay needs to deliver to the bundled receiver', async () => {
  const { Values: values } = JSON.parse(readFileSync(SETTINGS, 'utf8')) as { Values: Record<string, string> };
  assert.equal(new URL(values.SIEM_URL!).port, '8080', 'where `receive` listens by default');
  const work = mkdtempSync(join(tmpdir(), 'dsf-receive-flow-'));
  // The default port may be taken on a shared machine: here the receiver takes a free one and SIEM_URL (the
  // environment wins over the file) follows it; every other setting comes from the file as committed.
  const receiver = spawn(
    process.execPath,
    [CLI_ENTRY, 'receive', '--port', '0', '--token', values.SIEM_SECRET!, '--out', join(work, 'received')],
    {
      env: { PATH: process.env.PATH },
    },
  );
  try {
    const [first] = (await once(receiver.stdout.setEncoding('utf8'), 'data')) as [string];
    const url = /Listening on (\S+),/.exec(first)?.[1];
    assert.ok(url, first);
    const file = join(work, 'stream.jsonl');
    writeFileSync(file, `${body([deviceInfo('f1', 'Servers'), deviceEvent('f1', 'absent')])}\n`);

    const run = await runCli(
      ['replay', '--json', '--settings', SETTINGS, file],
      { SIEM_URL: `${url}${new URL(values.SIEM_URL!).pathname}` },
      { cwd: work },
    );

    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { forwarded: number }).forwarded, 2);
    const ended = once(receiver, 'close');
    receiver.kill('SIGINT');
    assert.deepEqual(await ended, [0, null]);
    assert.match(
      readFileSync(join(work, 'received', 'AdvancedHunting-DeviceProcessEvents.ndjson'), 'utf8'),
      /"MachineGroup":"Servers"/,
    );
  } finally {
    receiver.kill();
  }
});
