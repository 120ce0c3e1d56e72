/**
 * Start-up of the functions app: reads the configuration once (a bad setting stops the app here, with one message
 * naming every problem) and builds the handler the Event Hub triggers share.
 */
import { azureCredential } from '../azure/credential.js';
import { loadConfig, type Config, type Environment } from '../config/config.js';
import { SECRET_READ_TIMEOUT_MS } from '../secrets/secretReader.js';
import { startTelemetry } from '../telemetry/azureMonitor.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { createPipeline, type PipelineOptions } from './createPipeline.js';
import { createDirectoryRefreshHandler } from './directoryRefresh.js';
import { createEventHubHandler } from './eventHubHandler.js';
import { createRedriveHandler } from './redriveHandler.js';
import { invocationBudgetMs, readFunctionTimeoutMs } from './hostSettings.js';

export interface ForwarderApp {
  readonly config: Config;
  readonly hubs: readonly { readonly name: string; readonly functionName: string }[];
  readonly handleEvents: ReturnType<typeof createEventHubHandler>;
  /** Flushed when the host stops the worker, so the last minute of metrics is not lost. */
  readonly telemetry: Telemetry;
  /** Present when REDRIVE_SCHEDULE is set. */
  readonly redrive?: { readonly schedule: string; readonly handler: ReturnType<typeof createRedriveHandler> };
  /** The timer that seeds the device directory from Defender; undefined when DEVICE_DIRECTORY_REFRESH_SCHEDULE is empty. */
  readonly directoryRefresh?: {
    readonly schedule: string;
    readonly handler: ReturnType<typeof createDirectoryRefreshHandler>;
  };
}

const HOST_JSON = new URL('../../../host.json', import.meta.url);

let started: ForwarderApp | undefined;

export function forwarderApp(env: Environment): ForwarderApp {
  started ??= startForwarderApp(env);
  return started;
}

/** Not memoized: tests start their own, with options that trust a loopback Key Vault. */
export function startForwarderApp(env: Environment, options: Omit<PipelineOptions, 'deadLetters'> = {}): ForwarderApp {
  const config = loadConfig(env, { functionsApp: true });
  const telemetry = startTelemetry(config.telemetry);
  const { pipeline } = createPipeline(config, { ...options, deadLetters: 'blob' });
  const functionTimeoutMs = readFunctionTimeoutMs(HOST_JSON);
  // A request in flight at the deadline may still wait for its confirmation (Splunk's indexer acknowledgement); a
  // read of the secret in flight then starts no request, but runs to its own limit.
  const requestMs = Math.max(config.siem.timeoutMs + (pipeline.sink.confirm?.withinMs ?? 0), SECRET_READ_TIMEOUT_MS);
  const handleEvents = createEventHubHandler(
    pipeline,
    {
      invocationBudgetMs: invocationBudgetMs(functionTimeoutMs, config.delivery.retryBudgetMs, requestMs),
      outageHoldMs: config.delivery.outageHoldMs,
    },
    telemetry,
  );
  const hubs = config.eventHubs.names.map((name) => ({ name, functionName: functionNameFor(name) }));
  const { schedule } = config.redrive;
  const redrive = schedule && {
    schedule,
    handler: createRedriveHandler(pipeline, pipeline.deadLetters, {
      invocationBudgetMs: invocationBudgetMs(functionTimeoutMs, Number.POSITIVE_INFINITY, requestMs),
      letterBudgetMs: config.delivery.retryBudgetMs,
    }),
  };
  const refresh = config.deviceDirectory.refresh;
  // The timer shares the pipeline's directory, so a refresh also warms this instance's cache.
  const directoryRefresh = refresh && {
    schedule: refresh.schedule,
    handler: createDirectoryRefreshHandler(pipeline.directory, refresh, (options.credential ?? azureCredential)()),
  };
  return {
    config,
    hubs,
    handleEvents,
    telemetry,
    ...(redrive ? { redrive } : {}),
    ...(directoryRefresh ? { directoryRefresh } : {}),
  };
}

/** Function names allow letters, digits, '-' and '_'; hub names may also hold '.'. */
export function functionNameFor(hub: string): string {
  return `forward-${hub.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
