/** Each SIEM destination: does it answer, and does it take its credential (read as delivery reads it)? */
import type { Config } from '../../shared/config/config.js';
import type { SecretValue } from '../../shared/types/secretValue.js';
import { connectionProblem } from '../connectionProblem.js';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { probeDestination } from './probes/probeDestination.js';
import { SecretUnavailableError } from '../../shared/secrets/secretReader.js';
import { failed, note, shown, unreachable, type DestinationFindings } from './probes/probe.js';
import { destinations, type Destination } from './destinations.js';
import { result, type CheckResult } from './result.js';
import { secretLabel } from './secrets.js';
import { within } from './timeLimit.js';

export async function checkSiem(config: Config, pipeline: Pipeline, timeoutMs: number): Promise<CheckResult[]> {
  const checked = await Promise.all(
    destinations(config).map((destination) => checkDestination(config, pipeline, destination, timeoutMs)),
  );
  return checked.flat();
}

async function checkDestination(
  config: Config,
  pipeline: Pipeline,
  destination: Destination,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const { route } = destination;
  const label = secretLabel(config, route.secretName);
  const findings = await probe(config, pipeline, destination, label, timeoutMs);
  return [
    result('siem-endpoint', `SIEM endpoint (${destination.label})`, findings.endpoint),
    result('siem-credential', `SIEM credential (${destination.label}: ${label})`, findings.credential),
  ];
}

async function probe(
  config: Config,
  pipeline: Pipeline,
  destination: Destination,
  label: string,
  timeoutMs: number,
): Promise<DestinationFindings> {
  const { route } = destination;
  if (route.problem?.reason === 'missing-tenant') {
    const skipped = note(
      'its URL or stream names {tenantId}, and no tenant is known to fill it in',
      'list the tenants in ALLOWED_TENANT_IDS to probe it for the first',
    );
    return { endpoint: skipped, credential: skipped };
  }
  if (route.problem) return notTried(`its destination cannot be written: ${route.problem.detail}`);
  let secret: SecretValue | undefined;
  try {
    secret = await within(timeoutMs, () => pipeline.secrets.of(route).get());
  } catch {
    return notTried(`${label} could not be read (see above)`);
  }
  try {
    return await within(timeoutMs, (signal) =>
      probeDestination({
        siem: config.siem,
        route,
        urlSetting: destination.urlSetting,
        secretLabel: label,
        secret,
        post: pipeline.post,
        signal,
      }),
    );
  } catch (error) {
    // SIEM_CA_CERT or an mtls certificate that could not be read or used: its own line says why.
    if (error instanceof SecretUnavailableError) return notTried(error.message);
    // The time limit, where the request did not stop by itself.
    const problem = connectionProblem(error);
    if (problem) return unreachable(problem, shown(route.url), destination.urlSetting);
    return {
      ...notTried('the endpoint probe failed'),
      endpoint: failed(`the probe failed: ${(error as Error).message}`, `check ${destination.urlSetting}`),
    };
  }
}

function notTried(why: string): DestinationFindings {
  const skipped = { status: 'skipped', detail: `not tried: ${why}` } as const;
  return { endpoint: skipped, credential: skipped };
}
