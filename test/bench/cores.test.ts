import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { availableParallelism } from 'node:os';
import { coreCount } from '../../bench/cores.js';

test('a process kept on one core keeps there every thread it has, and those it starts after', () => {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    import { pbkdf2 } from 'node:crypto';
    import { pinToCores } from ${JSON.stringify(new URL('../../bench/cores.js', import.meta.url).href)};
    pinToCores(1);
    // libuv's pool starts its threads on first use, after the pinning.
    await Promise.all([1, 2, 3, 4].map(() => new Promise((resolve) => pbkdf2('a', 'b', 1, 8, 'sha256', resolve))));
    const lists = readdirSync('/proc/self/task').map((task) => /Cpus_allowed_list:\\s*(\\S+)/.exec(readFileSync('/proc/self/task/' + task + '/status', 'utf8'))[1]);
    console.log(JSON.stringify(lists));
  `;
  const lists = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as string[];
  assert.ok(lists.length >= 8, `only ${lists.length} threads: the pool's did not start`);
  assert.deepEqual(new Set(lists), new Set(['0']));
  assert.equal(coreCount(1), 1);
  assert.throws(
    () => coreCount(availableParallelism() + 1),
    /cannot keep a process on \d+ cores: this machine has \d+/,
  );
  assert.throws(() => coreCount(0), /cannot keep a process on 0 cores/);
});
