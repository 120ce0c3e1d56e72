import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { deployedInstanceMemoryMb, heapFlags, INSTANCE_SIZES, readDeployedInstanceMemoryMb } from '../../bench/instance.js';
import { decorator, literal } from '../support/bicep.js';
import { main } from '../infra/templates.js';

test('the benchmark knows the heap of every instance size infra allows, and the deployed one', () => {
  const param = main().params.get('instanceMemoryMB')!;
  const allowed = decorator(param, 'allowed')?.args[0];
  assert.deepEqual(allowed?.kind === 'array' ? allowed.items.map(literal) : [], INSTANCE_SIZES);
  assert.equal(readDeployedInstanceMemoryMb(), literal(param.defaultValue));
  assert.equal(deployedInstanceMemoryMb('param location string\nparam instanceMemoryMB int = 4096\n'), 4096);
  assert.throws(() => deployedInstanceMemoryMb('param instanceMemoryMB int\n'), /no default for instanceMemoryMB/);
});

test('the flags give a process the old generation and semi-spaces of the instance, and 0 leaves V8 to size them', () => {
  const heap = (flags: readonly string[]) => {
    const script = 'const v8 = require("node:v8"); console.log(v8.getHeapStatistics().heap_size_limit / 1048576)';
    return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }));
  };
  // heap_size_limit is the old generation plus three semi-spaces (two for the scavenger, one for new large objects).
  assert.equal(heap(heapFlags(2048)), 1024 + 3 * 8);
  assert.equal(heap(heapFlags(512)), 256 + 3 * 1);
  assert.deepEqual(heapFlags(0), []);
  assert.throws(() => heapFlags(1024), /no heap flags for a 1024 MB instance; known sizes: 512, 2048, 4096/);
});
