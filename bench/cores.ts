/**
 * A Flex Consumption instance of 2,048 MB has one core, where the machines the benchmark runs on may have more.
 * Kept on one, a measured process does its thread pool's work (compression, digests) on the same core as its main
 * thread, as on the instance, instead of beside it.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Keeps this process, and every thread it has or starts (V8's, libuv's pool), on its first `cores` cores. Linux
 * only, through taskset (util-linux).
 */
export function pinToCores(cores: number): void {
  const list = coreCount(cores) === 1 ? '0' : `0-${cores - 1}`;
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', list, String(process.pid)], { stdio: 'ignore' });
}

/** `cores` when this machine has that many to keep a process on; otherwise says how many it has. */
export function coreCount(cores: number): number {
  if (!Number.isInteger(cores) || cores < 1 || cores > availableParallelism()) {
    throw new Error(`cannot keep a process on ${cores} cores: this machine has ${availableParallelism()}`);
  }
  return cores;
}
