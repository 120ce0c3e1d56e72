/** The redrive timer's handler: one redrive run within the invocation's budget, one log line per letter and run. */
import type { InvocationContext, Timer } from '@azure/functions';
import type { DeadLetterStore } from '../deadletter/store.js';
import { loggerFor } from '../log/logger.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { redrive } from '../redrive/redrive.js';

export interface RedriveHandlerSettings {
  /** How long one run may take before it must stop starting letters. */
  readonly invocationBudgetMs: number;
  /** How long one letter may keep retrying the SIEM. */
  readonly letterBudgetMs: number;
}

export function createRedriveHandler(pipeline: Pipeline, store: DeadLetterStore, settings: RedriveHandlerSettings) {
  return async function handleRedrive(_timer: Timer, context: InvocationContext): Promise<void> {
    const logger = loggerFor(context);
    const summary = await redrive(pipeline, store, {
      deadline: Date.now() + settings.invocationBudgetMs,
      letterBudgetMs: settings.letterBudgetMs,
      onLetter: (name, outcome) => {
        if (outcome.kind === 'delivered') logger.info('redrive letter delivered', { name, records: outcome.records });
        else if (outcome.kind === 'kept')
          logger.warn('redrive letter kept', { name, delivered: outcome.delivered, remaining: outcome.remaining });
        else logger.warn('redrive letter cannot be sent', { name, why: outcome.why });
      },
    });
    logger.info('redrive', { ...summary });
  };
}
