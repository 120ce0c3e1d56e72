/**
 * `defender-forwarder replay`: sends history through the same pipeline, configuration and secret loading as the
 * functions, from files or a Blob container: Event Hub message bodies, storage-account exports (PT1H.json) and
 * Event Hubs Capture files. Each chunk of messages is one "invocation" and its last attempt: what the SIEM will not
 * take by the deadline goes to the dead-letter folder. Every settled chunk moves the checkpoint, so a stopped run
 * resumes where it was; a completed run removes it.
 */
import type { Writable } from 'node:stream';
import { createPipeline, type PipelineOptions } from '../shared/app/createPipeline.js';
import { azureCredential } from '../shared/azure/credential.js';
import { ReplayCheckpoint } from './backfill/checkpoint.js';
import { ReplayProgress, type ProgressOutput } from './backfill/progress.js';
import { chunks, replayItems, settledPositions, UnreadableFileError } from './backfill/replayItems.js';
import { loadConfig, type Environment } from '../shared/config/config.js';
import type { EnrichProblem } from '../shared/types/summary.js';
import { forward } from '../shared/pipeline/forward.js';
import { listSources, type SourceInputs } from './sources/listSources.js';
import { startTelemetry } from '../shared/telemetry/azureMonitor.js';
import { FirstFailures } from './firstFailures.js';
import { addSummary, emptyTotals, formatTable, jsonSummary, type RunTotals } from './summary.js';

/** The `hub` dimension of what a replay from files reports to Application Insights. */
export const REPLAY_HUB = 'replay';

export interface ReplayOptions extends Partial<SourceInputs> {
  readonly json: boolean;
  readonly env: Environment;
  readonly stdout: Writable;
  /** Where progress goes (stderr); none when absent. */
  readonly progress?: ProgressOutput | Writable;
  /** Where each distinct failure is said when it first happens, with its likely fix (stderr); none when absent. */
  readonly failures?: ProgressOutput | Writable;
  /** Plain progress lines this often when `progress` is not a terminal. */
  readonly progressIntervalMs?: number;
  /** The checkpoint journal; without one, a stopped run starts over. */
  readonly checkpoint?: string;
  /** Stops the run after the chunk in flight: its batches finish and are checkpointed, no new ones start. */
  readonly signal?: AbortSignal;
  readonly pipeline?: Omit<PipelineOptions, 'deadLetters'>;
  /** Messages forwarded together, as one trigger invocation would get them. */
  readonly messagesPerInvocation?: number;
}

export interface ReplayResult extends RunTotals {
  /** Every file was read to its end and every message settled. */
  readonly completed: boolean;
  /** The file the run stopped at because it could not be read. */
  readonly unreadable?: string;
}

const PROGRESS_INTERVAL_MS = 10_000;

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const config = loadConfig(options.env, { functionsApp: false });
  const inputs: SourceInputs = { paths: [], blobs: [], ...options };
  const checkpoint = options.checkpoint ? await ReplayCheckpoint.open(options.checkpoint) : ReplayCheckpoint.inMemory();
  const listed = await listSources(inputs, {
    credential: options.pipeline?.credential ?? azureCredential,
    ...(config.backfill.storageConnectionString ? { connectionString: config.backfill.storageConnectionString } : {}),
  });
  const files = listed.filter((file) => !checkpoint.isDone(file.key));
  if (checkpoint.resuming) {
    options.progress?.write(
      `Resuming from ${checkpoint.path}: ${listed.length - files.length} of ${listed.length} file(s) already done\n`,
    );
  }

  const telemetry = startTelemetry(config.telemetry);
  const { pipeline, close } = createPipeline(config, { ...options.pipeline, deadLetters: 'folder' });
  const totals = emptyTotals();
  const progress = options.progress
    ? new ReplayProgress(
        options.progress,
        { files: files.length, bytes: files.reduce((sum, file) => sum + file.bytes, 0) },
        options.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
      )
    : undefined;
  const items = replayItems(files, checkpoint, {
    onBytes: (bytes) => progress?.addBytes(bytes),
    onFileRead: () => progress?.fileRead(),
  });
  const failures = options.failures
    ? new FirstFailures(options.failures, {
        retrySeconds: config.delivery.retryBudgetMs / 1000,
        afterRetries: 'then dead-lettered',
      })
    : undefined;
  const started = performance.now();
  let completed = true;
  let unreadable: UnreadableFileError | undefined;
  const directoryProblems: EnrichProblem[] = [];
  progress?.start();
  try {
    for await (const chunk of chunks(items, options.messagesPerInvocation ?? 100)) {
      const messages = chunk.map((item) => item.message);
      const observer = telemetry.observe(REPLAY_HUB, messages);
      const summary = await forward(pipeline, messages, {
        deadline: Date.now() + config.delivery.retryBudgetMs,
        finalAttempt: true,
        onUnpacked: observer.onUnpacked,
        onAttempt: (event) => {
          observer.onAttempt(event);
          failures?.attempt(event);
        },
      });
      observer.finish(summary);
      failures?.failures(summary.failures);
      addSummary(totals, summary);
      directoryProblems.push(...summary.enrichProblems);
      await checkpoint.record(settledPositions(chunk));
      progress?.update(totals);
      if (options.signal?.aborted) {
        completed = false;
        break;
      }
    }
  } catch (error) {
    // A file that cannot be read stops the run there; what came before it is settled and in the checkpoint.
    if (!(error instanceof UnreadableFileError)) throw error;
    completed = false;
    unreadable = error;
  } finally {
    progress?.stop();
    await close();
    await telemetry.flush();
  }
  const resume = checkpoint.path ? ` to resume (checkpoint ${checkpoint.path})` : '';
  if (completed) await checkpoint.remove();
  else if (unreadable)
    options.failures?.write(
      `${unreadable.message}\nThe run stopped at this file: repair or remove it, then run the same command again${resume}\n`,
    );
  else if (checkpoint.path) options.progress?.write(`Stopped. Run the same command again${resume}\n`);

  const seconds = (performance.now() - started) / 1000;
  options.stdout.write(`${formatTable(totals, seconds)}\n`);
  if (totals.deadLettered > 0) {
    options.stdout.write(`${totals.deadLettered} record(s) dead-lettered under ${config.deadLetter.directory}\n`);
  }
  const lastProblem = directoryProblems.at(-1);
  if (lastProblem) {
    options.stdout.write(
      `The device directory failed ${directoryProblems.length} time(s); MachineGroup was left unfilled where only it knew. Last: ${lastProblem.stage}: ${lastProblem.detail}\n`,
    );
  }
  if (options.json) options.stdout.write(`${jsonSummary(totals, seconds)}\n`);
  return { ...totals, completed, ...(unreadable ? { unreadable: unreadable.file } : {}) };
}
