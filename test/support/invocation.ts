/**
 * The InvocationContext the Functions host would hand an Event Hub trigger: partition, sequence numbers and
 * enqueued times per message, the retry count, and a log that the test can read.
 */
import type { InvocationContext } from '@azure/functions';
import functions from '@azure/functions';

// The package is CommonJS and its class exports are not visible to a named ESM import.
const { InvocationContext: Context } = functions;

export interface EventHubInvocation {
  readonly messages: number;
  readonly hub?: string;
  readonly partition?: string;
  readonly firstSequenceNumber?: number;
  readonly retryCount?: number;
}

export function eventHubContext(invocation: EventHubInvocation, log: string[] = []): InvocationContext {
  const first = invocation.firstSequenceNumber ?? 1000;
  const sequenceNumbers = Array.from({ length: invocation.messages }, (_, i) => first + i);
  return new Context({
    invocationId: `test-${first}-${invocation.retryCount ?? 0}`,
    functionName: `forward-${invocation.hub ?? 'hub'}`,
    retryContext: { retryCount: invocation.retryCount ?? 0, maxRetryCount: -1 },
    triggerMetadata: {
      partitionContext: { eventHubName: invocation.hub ?? 'hub', partitionId: invocation.partition ?? '0' },
      sequenceNumberArray: sequenceNumbers,
      offsetArray: sequenceNumbers.map((n) => String(n * 1024)),
      enqueuedTimeUtcArray: sequenceNumbers.map((n) => new Date(Date.UTC(2026, 10, 23, 9, 0, 0, n)).toISOString()),
    },
    logHandler: (level, ...args) => log.push(`${level}: ${args.join(' ')}`),
  });
}
