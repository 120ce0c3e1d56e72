/**
 * A CPU profile of the work a measurement times, and nothing else: `node --cpu-prof` covers the whole process,
 * where start-up, module loading, generating the input and the warm-up invocations take a large share of the
 * samples and blur the shares of the stages being measured.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** Runs `work`, profiling it into `file` (a .cpuprofile, as Chrome DevTools reads) when one is given. */
export async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (file === undefined) return work();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}
