/**
 * Application Insights: the settings already refuse a malformed connection string (exit 2); this line says what
 * the valid one points at, never its instrumentation key.
 */
import type { Config } from '../../shared/config/config.js';
import { keyValueParts } from '../../shared/config/telemetry.js';
import { note, ok } from './probes/probe.js';
import { result, type CheckResult } from './result.js';

export function checkTelemetry(config: Config): CheckResult {
  const subject = 'Application Insights connection string';
  const telemetry = config.telemetry;
  if (!telemetry) return result('telemetry', subject, note('not set: the forwarder exports no telemetry'));
  const ingestion = keyValueParts(telemetry.connectionString.reveal()).get('ingestionendpoint');
  const endpoint = ingestion === undefined ? 'the global ingestion endpoint' : new URL(ingestion).origin;
  const signIn = telemetry.entra ? ', with Entra ID sign-in' : '';
  return result('telemetry', subject, ok(`well formed: an instrumentation key, sent to ${endpoint}${signIn}`));
}
