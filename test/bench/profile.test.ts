import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { profiled } from '../../bench/profile.js';

interface Profile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string } }[];
  readonly samples: readonly number[];
}

// Busy for `ms` in a frame the profile can be searched for by name.
function spinBefore(ms: number): void {
  for (const end = performance.now() + ms; performance.now() < end; );
}
function spinMeasured(ms: number): void {
  for (const end = performance.now() + ms; performance.now() < end; );
}

function samplesIn(profile: Profile, functionName: string): number {
  const ids = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === functionName).map((node) => node.id),
  );
  return profile.samples.filter((id) => ids.has(id)).length;
}

test('a profile covers the work it wraps, not what ran before it', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  try {
    const file = join(directory, 'measured.cpuprofile');
    spinBefore(200);
    const result = await profiled(file, async () => {
      spinMeasured(200);
      return 'done';
    });
    assert.equal(result, 'done');
    const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
    assert.ok(samplesIn(profile, 'spinMeasured') > 20, 'the wrapped work was not sampled');
    assert.equal(samplesIn(profile, 'spinBefore'), 0);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('without a file the work runs unprofiled and its result comes back', async () => {
  assert.equal(await profiled(undefined, async () => 42), 42);
});
