/**
 * Start-up of the functions app: reads the configuration once (a bad setting stops the app here, with one message
 * naming every problem) and builds the handler the Event Hub triggers share.
 */
import { loadConfig, type Config, type Environment } from '../config/config.js';
import { createPipeline } from './createPipeline.js';
import { createEventHubHandler } from './eventHubHandler.js';
import { createRedriveHandler } from './redriveHandler.js';
import { invocationBudgetMs, readFunctionTimeoutMs } from './hostSettings.js';

export interface ForwarderApp {
  readonly config: Config;
  readonly hubs: readonly { readonly name: string; readonly functionName: string }[];
  readonly handleEvents: ReturnType<typeof createEventHubHandler>;
  /** Present when REDRIVE_SCHEDULE is set. */
  readonly redrive?: { readonly schedule: string; readonly handle: ReturnType<typeof createRedriveHandler> };
}

const HOST_JSON = new URL('../../../host.json', import.meta.url);

let started: ForwarderApp | undefined;

export function forwarderApp(env: Environment): ForwarderApp {
  started ??= startForwarderApp(env);
  return started;
}

function startForwarderApp(env: Environment): ForwarderApp {
  const config = loadConfig(env, { functionsApp: true });
  const { pipeline } = createPipeline(config, { deadLetters: 'blob' });
  const functionTimeoutMs = readFunctionTimeoutMs(HOST_JSON);
  const handleEvents = createEventHubHandler(pipeline, {
    invocationBudgetMs: invocationBudgetMs(functionTimeoutMs, config.delivery.retryBudgetMs, config.siem.timeoutMs),
    outageHoldMs: config.delivery.outageHoldMs,
  });
  const hubs = config.eventHubs.names.map((name) => ({ name, functionName: functionNameFor(name) }));
  const { schedule } = config.redrive;
  const redrive = schedule && {
    schedule,
    handle: createRedriveHandler(pipeline, pipeline.deadLetters, {
      invocationBudgetMs: invocationBudgetMs(functionTimeoutMs, Number.POSITIVE_INFINITY, config.siem.timeoutMs),
      letterBudgetMs: config.delivery.retryBudgetMs,
    }),
  };
  return { config, hubs, handleEvents, ...(redrive ? { redrive } : {}) };
}

/** Function names allow letters, digits, '-' and '_'; hub names may also hold '.'. */
export function functionNameFor(hub: string): string {
  return `forward-${hub.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
