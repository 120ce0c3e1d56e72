/**
 * The telemetry part of the configuration: where Application Insights is, how the app signs in to it, and how many
 * traces to keep. Problems name the part of the connection string that is wrong, never its value: it holds the
 * instrumentation key.
 */
import { SecretValue } from '../types/secretValue.js';
import type { SettingName, Settings } from './settings.js';
import { isGuid } from './guid.js';
import { isLoopback, isSecureUrl } from './secureUrl.js';

/** Application Insights; absent when no connection string is set, and then nothing is exported. */
export interface TelemetryConfig {
  /** Holds the instrumentation key: never logged. */
  readonly connectionString: SecretValue;
  /** A plain-http IngestionEndpoint, allowed on loopback only (a local collector, the tests). */
  readonly loopbackHttpIngestion?: string;
  /** Entra ID ingestion; clientId picks a user-assigned identity, else the app's own. */
  readonly entra?: { readonly clientId?: string };
  /** Share of traces kept, 0 to 1; metrics are never sampled. */
  readonly traceSamplingRatio: number;
}

type Report = (name: SettingName, message: string) => void;

export function parseTelemetry(values: Settings, report: Report): TelemetryConfig | undefined {
  const text = values.APPLICATIONINSIGHTS_CONNECTION_STRING;
  // Checked even with telemetry off: the Functions host reads it too, and a typo should not wait for the day
  // telemetry is turned on.
  const entra = parseEntraIngestion(values.APPLICATIONINSIGHTS_AUTHENTICATION_STRING, report);
  if (text === undefined) return undefined;
  const problem = (message: string) => report('APPLICATIONINSIGHTS_CONNECTION_STRING', message);
  const parts = keyValueParts(text);
  if (!isGuid(parts.get('instrumentationkey') ?? '')) {
    problem('must hold InstrumentationKey=<GUID> (copy it from the Application Insights overview)');
  }
  const ingestion = parts.get('ingestionendpoint');
  const url = ingestion === undefined ? undefined : URL.parse(ingestion);
  const loopbackHttp = url?.protocol === 'http:' && isLoopback(url);
  if (ingestion !== undefined && !(url && isSecureUrl(url))) {
    problem(
      `IngestionEndpoint must be an https URL (plain http only on loopback), got "${url ? `${url.protocol}//${url.host}` : 'not a URL'}"`,
    );
  }
  if (entra && loopbackHttp)
    problem('IngestionEndpoint must be https for Entra ID ingestion: a token is never sent over plain http');
  return {
    connectionString: new SecretValue(text),
    ...(url && loopbackHttp ? { loopbackHttpIngestion: `${url.origin}${url.pathname.replace(/\/$/, '')}` } : {}),
    ...(entra ? { entra } : {}),
    traceSamplingRatio: values.TELEMETRY_TRACE_SAMPLING_PERCENTAGE / 100,
  };
}

/** `A=1;B=2` -> {a: 1, b: 2}: a connection string's parts, keys lower-cased. */
export function keyValueParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) parts.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  return parts;
}

/** The Functions convention: "Authorization=AAD", optionally ";ClientId=<id>" for a user-assigned identity. */
function parseEntraIngestion(text: string | undefined, report: Report): TelemetryConfig['entra'] | undefined {
  if (text === undefined) return undefined;
  const parts = keyValueParts(text);
  const clientId = parts.get('clientid');
  if (parts.get('authorization')?.toUpperCase() !== 'AAD' || (clientId !== undefined && !isGuid(clientId))) {
    report(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      `must be "Authorization=AAD" or "Authorization=AAD;ClientId=<GUID>", got "${text}"`,
    );
    return undefined;
  }
  return clientId === undefined ? {} : { clientId };
}
