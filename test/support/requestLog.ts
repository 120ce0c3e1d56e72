/**
 * Records every HTTP request an Azure SDK client sends (retries included), so a test can count round trips to a
 * real service instead of trusting the code under test to say how many it made.
 */
import type { TableServiceClientOptions } from '@azure/data-tables';

export interface RequestLog {
  /** "METHOD path", in the order sent. */
  readonly requests: string[];
  readonly clientOptions: TableServiceClientOptions;
  /** Requests sent since the last call. */
  take(): string[];
}

export function requestLog(): RequestLog {
  const requests: string[] = [];
  let taken = 0;
  return {
    requests,
    clientOptions: {
      additionalPolicies: [
        {
          position: 'perRetry',
          policy: {
            name: 'requestLog',
            sendRequest: (request, next) => {
              const url = new URL(request.url);
              requests.push(`${request.method} ${decodeURIComponent(url.pathname + url.search)}`);
              return next(request);
            },
          },
        },
      ],
    },
    take() {
      const fresh = requests.slice(taken);
      taken = requests.length;
      return fresh;
    },
  };
}
