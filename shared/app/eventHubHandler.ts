/**
 * The Event Hub trigger's handler: turns the trigger's messages and metadata into EventMessages, forwards them,
 * logs one line for the invocation and one per failure, and throws while anything is still pending, so the
 * trigger's retry policy runs it again and the checkpoint stays where it is.
 */
import type { InvocationContext } from '@azure/functions';
import { loggerFor, type Logger } from '../log/logger.js';
import { forward } from '../pipeline/forward.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ForwardSummary } from '../types/summary.js';
import type { EventMessage } from '../types/records.js';
import { withInvocationTrace } from '../telemetry/invocationTrace.js';
import { Telemetry, type InvocationLag } from '../telemetry/telemetry.js';
import { PartitionHolds } from './holdPolicy.js';
import { kindOf, partitionOf, toEventMessages, type BodyKind } from './triggerMessages.js';

export interface HandlerSettings {
  /** How long one invocation may spend delivering before it must wrap up. */
  readonly invocationBudgetMs: number;
  /** How long the SIEM may fail a partition before what it cannot take is dead-lettered. */
  readonly outageHoldMs: number;
  /** The clock the hold is measured with. */
  readonly now?: () => number;
}

export class PendingRecordsError extends Error {
  constructor(summary: ForwardSummary) {
    super(
      `${summary.pending} record(s) could not be delivered yet; failing the invocation so the trigger retries ` +
        'and the checkpoint does not move',
    );
    this.name = 'PendingRecordsError';
  }
}

export function createEventHubHandler(pipeline: Pipeline, settings: HandlerSettings, telemetry = new Telemetry()) {
  const now = settings.now ?? Date.now;
  const holds = new PartitionHolds(settings.outageHoldMs, now);
  let bodiesAnnounced = false;
  return async function handleEvents(messages: unknown, context: InvocationContext): Promise<void> {
    const started = Date.now();
    const holdStarted = now();
    const logger = loggerFor(context);
    const retryCount = context.retryContext?.retryCount ?? 0;
    const events = toEventMessages(messages, context);
    const hub = events[0]?.source.hub ?? 'unknown';
    const kinds = countKinds(events);
    telemetry.bodies(hub, kinds);
    if (!bodiesAnnounced)
      logger.info(`event bodies arrive as ${[...kinds.keys()].join(' and ')}`, Object.fromEntries(kinds));
    bodiesAnnounced = true;
    const parsed = kinds.get('parsed');
    if (parsed) {
      logger.warn(
        'event bodies arrived already parsed by the host, so numbers beyond 2^53, escapes and repeated members may ' +
          'differ from what Defender wrote; they are forwarded as parsed. Fix: register the Event Hub trigger with ' +
          'dataType "binary" (functions/eventHubs.ts)',
        { messages: parsed },
      );
    }
    const observer = telemetry.observe(hub, events);
    const partition = partitionOf(context);
    const hold = holds.begin(partition);
    let summary: ForwardSummary;
    try {
      summary = await withInvocationTrace(context.traceContext, () =>
        forward(pipeline, events, {
          deadline: started + settings.invocationBudgetMs,
          finalAttempt: hold.finalAttempt,
          settled: hold.settled,
          onUnpacked: observer.onUnpacked,
          onAttempt: observer.onAttempt,
        }),
      );
    } catch (error) {
      holds.end(partition, hold, undefined, holdStarted);
      logger.error('invocation failed; the trigger retries it', {
        messages: events.length,
        retryCount,
        error: (error as Error).message,
      });
      throw error;
    }
    holds.end(partition, hold, summary, holdStarted);
    const lag = observer.finish(summary);
    logSummary(logger, summary, { retryCount, heldMs: hold.heldMs, durationMs: Date.now() - started, ...lag });
    if (summary.pending > 0) throw new PendingRecordsError(summary);
  };
}

function countKinds(events: readonly EventMessage[]): Map<BodyKind, number> {
  const kinds = new Map<BodyKind, number>();
  for (const { body } of events) {
    const kind = kindOf(body);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

export function logSummary(
  logger: Logger,
  summary: ForwardSummary,
  extra: { retryCount?: number; heldMs?: number; durationMs: number } & InvocationLag,
): void {
  const outcome = summary.pending > 0 ? 'retrying' : summary.deadLettered > 0 ? 'dead-lettered' : 'delivered';
  logger.info('invocation', {
    outcome,
    messages: summary.messages,
    received: summary.received,
    forwarded: summary.forwarded,
    deadLettered: summary.deadLettered,
    pending: summary.pending,
    excluded: summary.excluded,
    settledEarlier: summary.settledEarlier,
    categories: summary.categories.size,
    retryCount: extra.retryCount,
    heldMs: extra.heldMs,
    durationMs: Math.round(extra.durationMs),
    lagEnqueuedMaxMs: extra.lagEnqueuedMaxMs,
    lagRecordMaxMs: extra.lagRecordMaxMs,
  });
  for (const [category, records] of summary.unknownTables) {
    logger.warn('unknown table', {
      category,
      records,
      detail: 'not a table Defender is known to stream; forwarded unless filtered out',
    });
  }
  for (const problem of summary.enrichProblems) {
    logger.warn('device directory unavailable; MachineGroup left unfilled where only the directory knew it', {
      stage: problem.stage,
      devices: problem.devices,
      detail: problem.detail,
    });
  }
  for (const failure of summary.failures) {
    const log = failure.disposition === 'pending' ? logger.warn : logger.error;
    log('delivery failure', {
      category: failure.category,
      reason: failure.reason,
      status: failure.status,
      records: failure.records,
      disposition: failure.disposition,
      detail: failure.detail,
    });
  }
}
