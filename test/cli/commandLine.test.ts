/** How the command starts: its Node check, its options, its settings file, its exit codes and its npm script. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, withReceiver } from '../support/cli.js';
import { body, deviceInfo } from '../support/records.js';

const ROOT = new URL('../../../', import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'dsf-command-line-'));

test('under Node older than 22 the command says so in one line and exits 2, before loading anything else', async () => {
  const olderNode = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})';
  for (const args of [['help'], ['replay', 'x.json']]) {
    const run = await runCli(args, {}, { cwd: work, nodeArgs: ['--import', olderNode] });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '', 'the command itself never ran');
    assert.match(
      run.stderr,
      /^defender-forwarder needs Node\.js 22 or later; this is Node\.js 20\.20\.2\. .*npm run cli/,
    );
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});

test('an unknown option exits 2 with what is wrong and the usage, as docs/cli.md says', async () => {
  for (const command of ['replay', 'redrive', 'receive', 'demo']) {
    const run = await runCli([command, '--bogus'], {}, { cwd: work });
    assert.equal(run.code, 2, `${command}: ${run.stderr}`);
    assert.match(run.stderr, /^Unknown option '--bogus'/);
    assert.match(run.stderr, /Usage:/);
  }
});

test('a --settings file that does not exist is an error naming it; without --settings a missing local.settings.json is fine', () =>
  withReceiver('t', async (receiver, url) => {
    const file = join(work, 'one.json');
    writeFileSync(file, body([deviceInfo('s1', 'G')]));
    const env = { SIEM_URL: `${url}/in`, SIEM_SECRET: 't', DEAD_LETTER_DIR: join(work, 'dead') };

    for (const command of [['replay', file], ['redrive']]) {
      const missing = await runCli([...command, '--settings', 'nope.json'], env, { cwd: work });
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /nope\.json/);
      assert.match(missing.stderr, /no such file/i);
    }
    const fine = await runCli(['replay', file], env, { cwd: work });
    assert.equal(fine.code, 0, fine.stderr);
    assert.equal(receiver.received, 1);
  }));

test('`npm run cli` runs the bin entry without building; `demo` does not rebuild either', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
    bin: Record<string, string>;
    scripts: Record<string, string>;
  };
  assert.equal(pkg.bin['defender-forwarder'], 'dist/cli/bin.js');
  assert.equal(pkg.scripts.cli, 'node dist/cli/bin.js');
  assert.equal(pkg.scripts.demo, 'node dist/cli/bin.js demo');
  assert.equal(pkg.scripts.prepare, 'npm run build', 'npm ci builds dist/ once');
  const entry = fileURLToPath(new URL('dist/cli/bin.js', ROOT));
  assert.match(readFileSync(entry, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test("README's quick start installs once, then runs the demo and the tests; its command line is `npm run cli`", () => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const quickStart = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  assert.deepEqual(
    quickStart
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('#')[0]!.trim()),
    ['npm ci', 'npm run demo', 'npm test'],
  );
  assert.match(readme, /EBADENGINE/);
  assert.match(readme, /npm run cli -- receive --token local-token/);
  assert.match(readme, /npm run cli -- replay --settings local\.settings\.receive\.json/);
});
