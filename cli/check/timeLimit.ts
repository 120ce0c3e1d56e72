/**
 * Every probe has a time limit. The signal tells the call to stop where its API takes one; the race makes sure the
 * check moves on even where it does not. The error is named TimeoutError, as AbortSignal.timeout's, so it reads
 * as "no answer in time" wherever connection problems are explained.
 */
export async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DOMException(`no answer within ${ms / 1000} s`, 'TimeoutError');
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
