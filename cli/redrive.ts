/**
 * `defender-forwarder redrive`: sends the dead letters again through the same pipeline, configuration and secret
 * loading as the functions. The folder store (DEAD_LETTER_DIR) by default; `--blob` works on the functions' Blob
 * container instead, safely alongside the redrive function (each letter is leased).
 */
import type { Writable } from 'node:stream';
import { createPipeline, type PipelineOptions } from '../shared/app/createPipeline.js';
import { loadConfig, type Environment } from '../shared/config/config.js';
import type { AttemptEvent } from '../shared/types/outcome.js';
import { redrive, type RedriveSummary } from '../shared/redrive/redrive.js';
import { FirstFailures } from './firstFailures.js';

export interface RedriveCommandOptions {
  readonly env: Environment;
  readonly blob: boolean;
  readonly json: boolean;
  readonly stdout: Writable;
  /** Where each distinct failure is said when it first happens, with its likely fix (stderr); none when absent. */
  readonly failures?: Writable;
  readonly signal?: AbortSignal;
  readonly pipeline?: Omit<PipelineOptions, 'deadLetters'>;
}

export async function redriveCommand(options: RedriveCommandOptions): Promise<RedriveSummary> {
  const config = loadConfig(options.env, { functionsApp: false });
  const { pipeline, close } = createPipeline(config, {
    ...options.pipeline,
    deadLetters: options.blob ? 'blob' : 'folder',
  });
  const where = options.blob ? `container ${config.deadLetter.blob?.container}` : config.deadLetter.directory;
  const failures = options.failures
    ? new FirstFailures(options.failures, {
        retrySeconds: config.delivery.retryBudgetMs / 1000,
        afterRetries: 'then the letter is kept and the run stops',
      })
    : undefined;
  let summary: RedriveSummary;
  try {
    summary = await redrive(pipeline, pipeline.deadLetters, {
      deadline: Number.POSITIVE_INFINITY,
      letterBudgetMs: config.delivery.retryBudgetMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(failures ? { onAttempt: (event: AttemptEvent) => failures.attempt(event) } : {}),
      onLetter: (name, outcome) => {
        if (outcome.kind === 'kept' && outcome.failure)
          failures?.failures([{ ...outcome.failure, source: { file: name } }]);
        const what =
          outcome.kind === 'delivered'
            ? `delivered ${outcome.records}`
            : outcome.kind === 'kept'
              ? `kept ${outcome.remaining} of ${outcome.remaining + outcome.delivered}`
              : `cannot be sent: ${outcome.why}`;
        options.stdout.write(`${name}: ${what}\n`);
      },
    });
  } finally {
    await close();
  }
  options.stdout.write(
    `${summary.letters} letter(s) in ${where}: ${summary.emptied} delivered and deleted, ${summary.kept} kept, ` +
      `${summary.unredrivable} cannot be sent, ${summary.busy} held by another redrive; ` +
      `${summary.recordsDelivered} record(s) delivered, ${summary.recordsRemaining} remaining` +
      `${summary.stopped ? ` (stopped: ${summary.stopped})` : ''}\n`,
  );
  if (options.json) options.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary;
}
