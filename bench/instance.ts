/**
 * The V8 heap of the instance the app is deployed on. V8 sizes its heap from the memory the process may use (a
 * container's limit when there is one): on a Flex Consumption instance of 2,048 MB it gets half of that for the old
 * generation and 8 MB semi-spaces, where a 24 GB build machine gets 16 MB semi-spaces, whose young generation alone
 * adds some 20 MB to the memory run's peak. So every measured process is started with the flags that give it the
 * instance's heap.
 */
import { readFileSync } from 'node:fs';

/**
 * The flags that reproduce, without a container, the heap V8 gives a process limited to each instance size
 * infra allows. Measured with Node 22 in a memory cgroup of each size, then checked against the flags alone:
 * heap_size_limit 259, 1,048 and 2,096 MB, new space 2, 16 and 32 MB, both ways.
 */
const HEAP_FLAGS: Readonly<Record<number, readonly string[]>> = {
  512: ['--max-old-space-size=256', '--max-semi-space-size=1'],
  2048: ['--max-old-space-size=1024', '--max-semi-space-size=8'],
  4096: ['--max-old-space-size=2048', '--max-semi-space-size=16'],
};

export const INSTANCE_SIZES = Object.keys(HEAP_FLAGS).map(Number);

/** The flags for an instance of `memoryMb`; none for 0 (the heap this machine's memory gives). */
export function heapFlags(memoryMb: number): readonly string[] {
  if (memoryMb === 0) return [];
  const flags = HEAP_FLAGS[memoryMb];
  if (!flags) throw new Error(`no heap flags for a ${memoryMb} MB instance; known sizes: ${INSTANCE_SIZES.join(', ')}, or 0 for this machine's`);
  return flags;
}

/** The deployment's instance size: the default of infra's instanceMemoryMB parameter. */
export function deployedInstanceMemoryMb(bicep: string): number {
  const match = /^param instanceMemoryMB int = (\d+)$/m.exec(bicep);
  if (!match) throw new Error('infra/main.bicep declares no default for instanceMemoryMB');
  return Number(match[1]);
}

export function readDeployedInstanceMemoryMb(): number {
  return deployedInstanceMemoryMb(readFileSync(new URL('../../infra/main.bicep', import.meta.url), 'utf8'));
}
