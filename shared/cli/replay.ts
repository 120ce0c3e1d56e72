/**
 * `defender-forwarder replay PATH...`: sends message bodies from files through the same pipeline, configuration
 * and secret loading as the functions. Each chunk of messages is one "invocation", and it is the last attempt:
 * what the SIEM will not take by the deadline goes to the dead-letter folder.
 */
import type { Writable } from 'node:stream';
import { createPipeline, type PipelineOptions } from '../app/createPipeline.js';
import { loadConfig, type Environment } from '../config/config.js';
import { forward } from '../pipeline/forward.js';
import { startTelemetry } from '../telemetry/azureMonitor.js';
import { chunks, readMessageFiles } from './messageFiles.js';
import { addSummary, emptyTotals, formatTable, jsonSummary, type RunTotals } from './summary.js';

/** The `hub` dimension of what a replay from files reports to Application Insights. */
export const REPLAY_HUB = 'replay';

export interface ReplayOptions {
  readonly paths: readonly string[];
  readonly json: boolean;
  readonly env: Environment;
  readonly stdout: Writable;
  /** Stops the run after the chunk in flight: its batches finish, no new ones start. */
  readonly signal?: AbortSignal;
  readonly pipeline?: Omit<PipelineOptions, 'deadLetters'>;
  /** Messages forwarded together, as one trigger invocation would get them. */
  readonly messagesPerInvocation?: number;
}

export async function replay(options: ReplayOptions): Promise<RunTotals> {
  const config = loadConfig(options.env, { functionsApp: false });
  const telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { ...options.pipeline, deadLetters: 'folder' });
  const totals = emptyTotals();
  const started = performance.now();
  try {
    for await (const messages of chunks(readMessageFiles(options.paths), options.messagesPerInvocation ?? 100)) {
      const observer = telemetry.observe(REPLAY_HUB, messages);
      const summary = await forward(pipeline, messages, {
        deadline: Date.now() + config.delivery.retryBudgetMs,
        finalAttempt: true,
        onUnpacked: observer.onUnpacked,
        onAttempt: observer.onAttempt,
      });
      observer.finish(summary);
      addSummary(totals, summary);
      for (const problem of summary.enrichProblems) {
        options.stdout.write(`device directory ${problem.stage} failed for ${problem.devices} device(s), MachineGroup left unfilled: ${problem.detail}\n`);
      }
      if (options.signal?.aborted) break;
    }
  } finally {
    await close();
    await telemetry.flush();
  }
  const seconds = (performance.now() - started) / 1000;
  options.stdout.write(`${formatTable(totals, seconds)}\n`);
  if (totals.deadLettered > 0) {
    options.stdout.write(`${totals.deadLettered} record(s) dead-lettered under ${config.deadLetter.directory}\n`);
  }
  if (options.json) options.stdout.write(`${jsonSummary(totals, seconds)}\n`);
  return totals;
}
