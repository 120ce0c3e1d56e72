/**
 * `defender-forwarder check`: loads the settings as the app does, then proves each dependency they name, through
 * the same parts the pipeline uses (configuration, secret providers, the SIEM client and sinks, the dead-letter
 * stores, the device table). Every probe has a time limit; nothing is sent to the SIEM but probes unless a test
 * record is asked for. Exit 0 when everything holds, 1 when something does not, 2 when the settings are invalid.
 */
import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { createPipeline } from '../../shared/app/createPipeline.js';
import { azureCredential } from '../../shared/azure/credential.js';
import { ConfigError, loadConfig, type Config, type Environment } from '../../shared/config/config.js';
import { failed, note, ok } from './probes/probe.js';
import { checkDefenderApi } from './defenderApi.js';
import { result, type CheckResult } from './result.js';
import { checkSecrets } from './secrets.js';
import { checkSiem } from './siem.js';
import { checkDeadLetterStores, checkDeviceTable } from './storage.js';
import { checkTelemetry } from './telemetry.js';
import { sendTestRecord } from './testRecord.js';

export interface CheckOptions {
  readonly env: Environment;
  readonly sendTestRecord: boolean;
  /** Time allowed for each probe. */
  readonly timeoutMs: number;
  readonly credential?: () => TokenCredential;
  /** Extra options for the Key Vault client (tests trust a loopback vault's certificate through these). */
  readonly keyVaultClientOptions?: SecretClientOptions;
  readonly tableClientOptions?: TableServiceClientOptions;
}

export interface CheckReport {
  readonly results: readonly CheckResult[];
  readonly exitCode: 0 | 1 | 2;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  // EVENT_HUB_NAMES is read by the functions app only: with it, these are the app's settings, checked as the app checks them.
  const functionsApp = options.env.EVENT_HUB_NAMES !== undefined;
  let config: Config;
  try {
    config = loadConfig(options.env, { functionsApp });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = result(
      'settings',
      'settings',
      failed(`${error.problems.length} problem(s)`, 'correct the settings named'),
    );
    return { results: [{ ...problems, problems: error.problems }], exitCode: 2 };
  }

  const credential = options.credential ?? azureCredential;
  // One retry, not the SDK's three with growing waits: a probe answers within its time limit.
  const keyVaultClientOptions: SecretClientOptions = {
    retryOptions: { maxRetries: 1 },
    ...options.keyVaultClientOptions,
  };
  const { pipeline, close } = createPipeline(config, { deadLetters: 'folder', credential, keyVaultClientOptions });
  const storage = {
    credential,
    ...(options.tableClientOptions ? { tableClientOptions: options.tableClientOptions } : {}),
  };
  const { timeoutMs } = options;
  const results: CheckResult[] = [
    result(
      'settings',
      'settings',
      ok(
        `valid for the ${functionsApp ? 'functions app (EVENT_HUB_NAMES is set)' : 'command line'}; SIEM_FORMAT=${config.siem.format}, SIEM_AUTH=${config.siem.auth.mode}`,
      ),
    ),
  ];
  if (usesIdentity(config)) {
    results.push(
      result(
        'identity',
        'Azure identity',
        note(
          "Azure calls run as DefaultAzureCredential: here your environment's credential or Azure CLI login, in Azure the app's managed identity; a right the app lacks can still pass here",
        ),
      ),
    );
  }
  try {
    const groups = await Promise.all([
      checkSecrets(config, pipeline, { credential, keyVaultClientOptions }, timeoutMs),
      checkSiem(config, pipeline, timeoutMs),
      checkDeadLetterStores(config, functionsApp, storage, timeoutMs),
      checkDeviceTable(config, storage, timeoutMs),
      checkDefenderApi(config, credential, timeoutMs),
    ]);
    results.push(...groups.flat(), checkTelemetry(config));
    if (options.sendTestRecord) results.push(await sendTestRecord(config, pipeline, timeoutMs));
  } finally {
    await close();
  }
  return { results, exitCode: results.some((checked) => checked.status === 'failed') ? 1 : 0 };
}

function usesIdentity(config: Config): boolean {
  const storage = [config.deadLetter.blob?.connection, config.deviceDirectory.table?.connection];
  return (
    config.secret.kind === 'key-vault' ||
    config.secret.kind === 'entra' ||
    config.siem.routeSecrets.size > 0 ||
    config.siem.caCertificate !== undefined ||
    storage.some((connection) => connection?.kind === 'identity') ||
    config.deviceDirectory.refresh !== undefined
  );
}
