/**
 * Application Insights, set up once per process with the applicationinsights package (v3: the Azure Monitor
 * OpenTelemetry distro). It exports the named metrics, never sampled, and SIEM requests as dependencies, sampled at
 * the configured ratio. Without a connection string nothing is set up: the OpenTelemetry API stays a no-op and
 * nothing leaves the process.
 */
import { createRequire } from 'node:module';
import type { TokenCredential } from '@azure/identity';
import type * as UndiciInstrumentationModule from '@opentelemetry/instrumentation-undici';
import type * as ApplicationInsights from 'applicationinsights';
import { azureCredential, credentialOnFirstUse } from '../azure/credential.js';
import type { TelemetryConfig } from '../config/config.js';
import { Telemetry } from './telemetry.js';

type ExporterOptions = NonNullable<ApplicationInsights.AzureMonitorOpenTelemetryOptions['azureMonitorExporterOptions']>;

// Loading the SDK takes seconds (3 s on a busy 2-core machine): loaded when telemetry is on, never otherwise.
const load = createRequire(import.meta.url);

export interface TelemetryOptions {
  /** TLS settings for the ingestion endpoint (tests trust a loopback endpoint's certificate through these). */
  readonly tlsOptions?: ExporterOptions['tlsOptions'];
}

let started: Telemetry | undefined;

export function startTelemetry(config: TelemetryConfig | undefined, options: TelemetryOptions = {}): Telemetry {
  if (!config) return new Telemetry();
  started ??= startAzureMonitor(config, options);
  return started;
}

function startAzureMonitor(config: TelemetryConfig, options: TelemetryOptions): Telemetry {
  const { useAzureMonitor, flushAzureMonitor, shutdownAzureMonitor } = load(
    'applicationinsights',
  ) as typeof ApplicationInsights;
  const { UndiciInstrumentation } = load('@opentelemetry/instrumentation-undici') as typeof UndiciInstrumentationModule;
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: config.connectionString.reveal(),
      // The exporter turns every IngestionEndpoint into https. A plain-http one, accepted on loopback only (a local
      // collector, the tests), becomes the client's host so that it stays http.
      ...(config.loopbackHttpIngestion ? { host: config.loopbackHttpIngestion, allowInsecureConnection: true } : {}),
      ...(config.entra ? { credential: entraCredential(config.entra) } : {}),
      ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
    },
    samplingRatio: config.traceSamplingRatio,
    // The distro's default (5 traces a second) would replace the ratio with a rate limit.
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    // Its unhandledRejection listener never rethrows; a crash must stay a crash, so the host restarts the worker.
    enableAutoCollectExceptions: false,
    // Outbound HTTP is undici (the SIEM, below) or the Azure SDKs, which trace themselves; the host records each
    // invocation. Patching node:http would only add duplicates.
    instrumentationOptions: {
      azureSdk: { enabled: true },
      http: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  });
  // undici is not patched but observed (diagnostics_channel): every SIEM request becomes a dependency span,
  // a child of whatever context is active, which the handler sets to the invocation's trace.
  const siemRequests = new UndiciInstrumentation({ startSpanHook: siemOrigin });
  return new Telemetry({
    flush: flushAzureMonitor,
    shutdown: async () => {
      siemRequests.disable();
      await shutdownAzureMonitor();
      started = undefined;
    },
  });
}

function entraCredential(entra: NonNullable<TelemetryConfig['entra']>): TokenCredential {
  const { clientId } = entra;
  if (clientId === undefined) return azureCredential();
  return credentialOnFirstUse(
    async () => new (await import('@azure/identity')).ManagedIdentityCredential({ clientId }),
  );
}

/**
 * A SIEM may take its token in the URL, in the query string or in the path (Sumo Logic's collector URLs end in
 * it): the dependency shows the SIEM's origin only.
 */
function siemOrigin(request: { origin: string; path: string }): Record<string, string> {
  const { origin } = new URL(request.path, request.origin);
  return { 'url.full': origin, 'url.path': '/', 'url.query': '' };
}
