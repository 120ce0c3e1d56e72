/**
 * Reads every app setting once into a frozen, typed Config. All problems are collected and reported together,
 * so a misconfigured app fails at start-up with one message naming every bad setting.
 */
import { resolveStorage, type StorageConnection } from '../azure/storageConnection.js';
import { hostStorage, parseDeviceDirectory, type DeviceDirectoryConfig } from './deviceDirectory.js';
import { quoted } from './quoted.js';
import { isNcrontab } from './schedule.js';
import { SecretValue } from '../types/secretValue.js';
import { isGuid } from './guid.js';
import { isSecureUrl } from './secureUrl.js';
import { parseSiem } from './siem.js';
import type { SecretSource, SiemConfig } from './siemConfig.js';
import { SettingProblem, type SettingRows } from './settingTypes.js';
import { settingsTable, type AllSettings } from './settings.js';
import type { SinkDefinition } from '../sinks/definition.js';
import { SINKS } from '../sinks/registry.js';
import { parseTelemetry, type TelemetryConfig } from './telemetry.js';
import { parseTimeSpan } from './timeSpan.js';

export type Environment = Readonly<Record<string, string | undefined>>;
export type { SecretSource, SiemAuth, SiemConfig, SiemFormat } from './siemConfig.js';
export type { TelemetryConfig } from './telemetry.js';

export interface DeliveryConfig {
  readonly retryBudgetMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly outageHoldMs: number;
}

export interface DeadLetterConfig {
  /** Where the functions app writes; undefined when no storage is configured (the command line needs none). */
  readonly blob?: { readonly connection: StorageConnection; readonly container: string };
  readonly directory: string;
}

export interface RedriveConfig {
  /** NCRONTAB or hh:mm:ss for the redrive timer; undefined: no redrive function. */
  readonly schedule?: string;
}

export interface Config {
  readonly eventHubs: { readonly names: readonly string[]; readonly consumerGroup: string };
  readonly siem: SiemConfig;
  readonly secret: SecretSource;
  readonly delivery: DeliveryConfig;
  readonly deadLetter: DeadLetterConfig;
  readonly redrive: RedriveConfig;
  readonly enrich: { readonly defaultMachineGroup?: string };
  /** Tables to forward (empty: all) and to leave out, as given (with or without the AdvancedHunting- prefix). */
  readonly categories: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  /** Tenants whose records may be forwarded, lower-cased; empty admits every tenant. */
  readonly tenants: { readonly allowed: readonly string[] };
  /** The command line's replay: how it reaches a Blob container when not with the user's identity. */
  readonly backfill: { readonly storageConnectionString?: SecretValue };
  /** Application Insights; absent when no connection string is set, and then nothing is exported. */
  readonly telemetry?: TelemetryConfig;
  readonly deviceDirectory: DeviceDirectoryConfig;
  readonly shape: { readonly parseDynamicFields: boolean };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadOptions {
  /** The functions app needs Event Hub names and blob storage for dead letters; the command line does not. */
  readonly functionsApp: boolean;
  /** The protocols SIEM_FORMAT may name: the registry's, unless a test brings one of its own. */
  readonly sinks?: readonly SinkDefinition[];
}

export function loadConfig(env: Environment, options: LoadOptions): Config {
  const problems: string[] = [];
  const sinks = options.sinks ?? SINKS;
  const values = readSettings(env, settingsTable(sinks), problems);
  const config = buildConfig(values, options.functionsApp, sinks, problems);
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return deepFreeze(config);
}

/**
 * Parses each setting on its own. A bad one is reported and replaced by its default, so the checks that combine
 * settings still run and the one error names every problem.
 */
function readSettings(env: Environment, table: SettingRows, problems: string[]): AllSettings {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    try {
      values[name] = spec.parse(env[name]);
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      problems.push(`${name} ${error.message}`);
      values[name] = defaultOf(spec);
    }
  }
  return values as AllSettings;
}

function defaultOf(spec: { parse(raw: string | undefined): unknown }): unknown {
  try {
    return spec.parse(undefined);
  } catch {
    return undefined;
  }
}

/** Storage endpoints reached with the app identity; a connection string has settings of its own. */
const STORAGE_ENDPOINTS = [
  ['DEAD_LETTER_STORAGE__blobServiceUri', 'blob'],
  ['AzureWebJobsStorage__blobServiceUri', 'blob'],
  ['AzureWebJobsStorage__tableServiceUri', 'table'],
  ['DEVICE_DIRECTORY__tableServiceUri', 'table'],
] as const;

function buildConfig(
  values: AllSettings,
  functionsApp: boolean,
  sinks: readonly SinkDefinition[],
  problems: string[],
): Config | undefined {
  const problem = (name: string, message: string) => problems.push(`${name} ${message}`);

  if (functionsApp && values.EVENT_HUB_NAMES.length === 0) {
    problem('EVENT_HUB_NAMES', 'is required: the Event Hub(s) Defender streams to, comma-separated');
  }
  if (values.SIEM_RETRY_INITIAL_MS > values.SIEM_RETRY_MAX_MS) {
    problem('SIEM_RETRY_INITIAL_MS', `must not exceed SIEM_RETRY_MAX_MS (${values.SIEM_RETRY_MAX_MS})`);
  }
  const deadLetterStorage = resolveStorage(
    { serviceUri: values.DEAD_LETTER_STORAGE__blobServiceUri, connectionString: values.DEAD_LETTER_STORAGE },
    hostStorage(values, values.AzureWebJobsStorage__blobServiceUri),
    'blob',
  );
  if (functionsApp && !deadLetterStorage) {
    problem(
      'DEAD_LETTER_STORAGE__blobServiceUri',
      'is required (or host storage AzureWebJobsStorage__accountName) for dead letters',
    );
  }
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(values.DEAD_LETTER_CONTAINER)) {
    problem(
      'DEAD_LETTER_CONTAINER',
      `must be a blob container name (3-63 lowercase letters, digits, dashes), got ${quoted(values.DEAD_LETTER_CONTAINER)}`,
    );
  }
  const notTenantIds = values.ALLOWED_TENANT_IDS.filter((id) => !isGuid(id));
  if (notTenantIds.length > 0) {
    problem(
      'ALLOWED_TENANT_IDS',
      `must be tenant ids (GUIDs such as 4b8c18bd-2f9f-4227-af55-9f1061cf9c32), got ${quoted(notTenantIds.join('", "'))}`,
    );
  }

  for (const [name, service] of STORAGE_ENDPOINTS) {
    const uri = values[name];
    if (uri !== undefined && !isSecureText(uri))
      problem(name, `must be an https URL such as https://myaccount.${service}.core.windows.net, got ${quoted(uri)}`);
  }
  const account = values.AzureWebJobsStorage__accountName;
  if (account !== undefined && !/^[a-z0-9]{3,24}$/.test(account)) {
    problem(
      'AzureWebJobsStorage__accountName',
      `must be a storage account name (3-24 lowercase letters and digits), got ${quoted(account)}`,
    );
  }
  if (values.REDRIVE_SCHEDULE !== undefined && !isNcrontab(values.REDRIVE_SCHEDULE)) {
    const hint =
      parseTimeSpan(values.REDRIVE_SCHEDULE) === undefined
        ? ''
        : ' (an interval such as "00:15:00" works only on an App Service plan, not Flex Consumption)';
    problem(
      'REDRIVE_SCHEDULE',
      `must be an NCRONTAB expression of six fields, seconds first ("0 */15 * * * *")${hint}, got ${quoted(values.REDRIVE_SCHEDULE)}`,
    );
  }

  const parsed = parseSiem(values, sinks, problem);
  const telemetry = parseTelemetry(values, problem);
  const deviceDirectory = parseDeviceDirectory(values, functionsApp, problem);

  if (!parsed || !deviceDirectory || problems.length > 0) return undefined;
  return {
    eventHubs: { names: values.EVENT_HUB_NAMES, consumerGroup: values.EVENT_HUB_CONSUMER_GROUP },
    siem: parsed.siem,
    secret: parsed.secret,
    categories: { include: values.CATEGORIES_INCLUDE, exclude: values.CATEGORIES_EXCLUDE },
    delivery: {
      retryBudgetMs: values.SIEM_RETRY_SECONDS * 1000,
      backoff: { initialMs: values.SIEM_RETRY_INITIAL_MS, maxMs: values.SIEM_RETRY_MAX_MS },
      outageHoldMs: values.SIEM_OUTAGE_HOLD_MINUTES * 60_000,
    },
    deadLetter: {
      ...(deadLetterStorage
        ? { blob: { connection: deadLetterStorage, container: values.DEAD_LETTER_CONTAINER } }
        : {}),
      directory: values.DEAD_LETTER_DIR,
    },
    redrive: values.REDRIVE_SCHEDULE === undefined ? {} : { schedule: values.REDRIVE_SCHEDULE },
    enrich: values.MACHINE_GROUP_DEFAULT === undefined ? {} : { defaultMachineGroup: values.MACHINE_GROUP_DEFAULT },
    tenants: { allowed: values.ALLOWED_TENANT_IDS.map((id) => id.toLowerCase()) },
    backfill: values.BACKFILL_STORAGE === undefined ? {} : { storageConnectionString: values.BACKFILL_STORAGE },
    ...(telemetry ? { telemetry } : {}),
    deviceDirectory,
    shape: { parseDynamicFields: values.PARSE_DYNAMIC_FIELDS },
  };
}

function isSecureText(raw: string): boolean {
  const url = URL.parse(raw);
  return url !== null && isSecureUrl(url);
}

function deepFreeze<T>(value: T): T {
  if (
    value &&
    typeof value === 'object' &&
    !(value instanceof URL) &&
    !(value instanceof SecretValue) &&
    !(value instanceof Map)
  ) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
