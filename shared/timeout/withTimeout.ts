/**
 * A time limit that holds whatever the client does. `work` gets a signal that aborts at the limit, and the caller
 * is answered then even if `work` has not heeded it: an undici pool wedged by a request it refused, or
 * @azure/identity waiting on an identity endpoint that never answers, would otherwise hold an invocation until
 * the host kills it.
 */

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export async function withTimeout<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(what, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const running = (async () => work(controller.signal))();
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
    // What the work does after it was given up on is nobody's to hear; it must not become an unhandled rejection.
    running.catch(() => undefined);
  }
}
