/**
 * The directory refresh's access to the Defender machines API: a token for its scope, and one page of one machine,
 * which only an identity with Machine.Read.All gets.
 */
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../../shared/config/config.js';
import { connectionProblem } from '../connectionProblem.js';
import { listMachines, MachinesApiError } from '../../shared/defender/machinesApi.js';
import { failed, ok } from './probes/probe.js';
import { explainAzureError } from './azureProblem.js';
import { result, type CheckResult } from './result.js';
import { within } from './timeLimit.js';

export async function checkDefenderApi(
  config: Config,
  credential: () => TokenCredential,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const refresh = config.deviceDirectory.refresh;
  if (!refresh) return [];
  const subject = `Defender machines API ${refresh.apiUrl.origin} (DEVICE_DIRECTORY_REFRESH_SCHEDULE is set)`;
  try {
    const machines = await within(timeoutMs, async () => {
      for await (const page of listMachines({
        apiUrl: refresh.apiUrl,
        scope: refresh.scope,
        credential: credential(),
        timeoutMs,
        maxAttempts: 1,
        pageSize: 1,
      })) {
        return page.length;
      }
      return 0;
    });
    return [
      result(
        'defender-api',
        subject,
        ok(
          `a token for ${refresh.scope} was issued, and GET /api/machines?$top=1 answered with ${machines} machine(s)`,
        ),
      ),
    ];
  } catch (error) {
    if (error instanceof MachinesApiError && !connectionProblem(error)) {
      const fix =
        error.status === 401 || error.status === 403
          ? 'grant the identity the WindowsDefenderATP application permission Machine.Read.All, with admin consent'
          : 'check DEFENDER_API_URL';
      return [result('defender-api', subject, failed(error.message, fix))];
    }
    const explained = explainAzureError(error, {
      resource: 'the Defender API',
      setting: 'DEFENDER_API_URL and DEFENDER_API_SCOPE',
      grant: 'grant the identity the WindowsDefenderATP application permission Machine.Read.All',
    });
    return [result('defender-api', subject, failed(explained.detail, explained.fix))];
  }
}
