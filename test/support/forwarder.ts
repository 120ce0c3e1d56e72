/**
 * The forwarder as the functions run it (configuration, pipeline, secrets through the real SDKs), pointed at
 * loopback servers, with dead letters in a temporary folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { loadConfig } from '../../shared/config/config.js';
import type { AttemptEvent } from '../../shared/types/outcome.js';
import { forward } from '../../shared/pipeline/forward.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import type { SinkDefinition } from '../../shared/sinks/definition.js';
import type { ForwardSummary } from '../../shared/types/summary.js';

export interface TestForwarder {
  readonly pipeline: Pipeline;
  readonly deadLetterDir: string;
  readonly attempts: AttemptEvent[];
  /** Forwards message bodies as one invocation; the last attempt unless told otherwise. */
  run(bodies: readonly string[], options?: { finalAttempt?: boolean; budgetMs?: number }): Promise<ForwardSummary>;
  close(): Promise<void>;
}

/** Fast retries, so tests that exercise them finish quickly. */
const TEST_DEFAULTS = { SIEM_RETRY_INITIAL_MS: '1', SIEM_RETRY_MAX_MS: '20', SIEM_RETRY_SECONDS: '30' };

/** `sinks`: the protocols, when a test brings one the registry does not have. */
export function startForwarder(
  env: Record<string, string>,
  vault?: { readonly ca: string },
  sinks?: readonly SinkDefinition[],
): TestForwarder {
  const deadLetterDir = mkdtempSync(join(tmpdir(), 'dsf-dead-'));
  const config = loadConfig(
    { ...TEST_DEFAULTS, DEAD_LETTER_DIR: deadLetterDir, ...env },
    { functionsApp: false, sinks },
  );
  const { pipeline, close } = createPipeline(config, {
    deadLetters: 'folder',
    sinks,
    credential: () => new ManagedIdentityCredential(),
    ...(vault
      ? { keyVaultClientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true } }
      : {}),
  });
  const attempts: AttemptEvent[] = [];
  return {
    pipeline,
    deadLetterDir,
    attempts,
    run: (bodies, options = {}) =>
      forward(
        pipeline,
        bodies.map((body, line) => ({
          body,
          source: { hub: 'insights-logs-advancedhunting', partition: '0', sequenceNumber: line },
        })),
        {
          deadline: Date.now() + (options.budgetMs ?? 30_000),
          finalAttempt: options.finalAttempt ?? true,
          onAttempt: (event) => attempts.push(event),
        },
      ),
    close,
  };
}

/** received = forwarded + deadLettered + pending + excluded, overall and per category. */
export function conserved(summary: ForwardSummary): boolean {
  const balanced = (counts: {
    received: number;
    forwarded: number;
    deadLettered: number;
    pending: number;
    excluded: number;
  }) => counts.received === counts.forwarded + counts.deadLettered + counts.pending + counts.excluded;
  return balanced(summary) && [...summary.categories.values()].every(balanced);
}

/** Runs `run` with a forwarder configured by `env`, then closes the forwarder and the server. */
export async function withForwarder<S extends { close(): Promise<void> }>(
  server: S,
  env: Record<string, string>,
  run: (server: S, forwarder: TestForwarder) => Promise<void>,
): Promise<void> {
  const forwarder = startForwarder(env);
  try {
    await run(server, forwarder);
  } finally {
    await forwarder.close();
    await server.close();
  }
}
