/**
 * Reads every app setting once into a frozen, typed Config. All problems are collected and reported together,
 * so a misconfigured app fails at start-up with one message naming every bad setting.
 */
import { resolveStorage, type StorageConnection } from '../azure/storageConnection.js';
import { SecretValue } from './secretValue.js';
import { SettingProblem } from './settingTypes.js';
import { settings, type SettingName, type Settings } from './settings.js';

export type Environment = Readonly<Record<string, string | undefined>>;
export type SiemFormat = Settings['SIEM_FORMAT'];

export interface SiemConfig {
  readonly url: URL;
  readonly format: SiemFormat;
  readonly auth: { readonly mode: 'bearer' } | { readonly mode: 'none' } | { readonly mode: 'header'; readonly header: string };
  readonly maxBatchBytes: number;
  readonly maxBatchRecords: number;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

export type SecretSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'key-vault'; readonly vaultUrl: string; readonly name: string; readonly cacheMs: number }
  | { readonly kind: 'value'; readonly value: SecretValue };

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

export interface DeviceDirectoryConfig {
  /** The table every instance shares; undefined means each process keeps its own (the command line without storage). */
  readonly table?: { readonly connection: StorageConnection; readonly name: string };
  readonly cache: { readonly capacity: number; readonly ttlMs: number };
  /** Seeding from the Defender for Endpoint machines API on a timer; undefined when no schedule is set. */
  readonly refresh?: { readonly schedule: string; readonly apiUrl: URL; readonly scope: string };
}

export interface Config {
  readonly eventHubs: { readonly names: readonly string[]; readonly consumerGroup: string };
  readonly siem: SiemConfig;
  readonly secret: SecretSource;
  readonly delivery: DeliveryConfig;
  readonly deadLetter: DeadLetterConfig;
  readonly enrich: { readonly defaultMachineGroup?: string };
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
}

export function loadConfig(env: Environment, options: LoadOptions): Config {
  const problems: string[] = [];
  const values = readSettings(env, problems);
  const config = buildConfig(values, options, problems);
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return deepFreeze(config);
}

/**
 * Parses each setting on its own. A bad one is reported and replaced by its default, so the checks that combine
 * settings still run and the one error names every problem.
 */
function readSettings(env: Environment, problems: string[]): Settings {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settings)) {
    try {
      values[name] = spec.parse(env[name]);
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      problems.push(`${name} ${error.message}`);
      values[name] = defaultOf(spec);
    }
  }
  return values as Settings;
}

function defaultOf(spec: { parse(raw: string | undefined): unknown }): unknown {
  try {
    return spec.parse(undefined);
  } catch {
    return undefined;
  }
}

function buildConfig(values: Settings, options: LoadOptions, problems: string[]): Config | undefined {
  const problem = (name: SettingName, message: string) => problems.push(`${name} ${message}`);

  if (options.functionsApp && values.EVENT_HUB_NAMES.length === 0) {
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
  if (options.functionsApp && !deadLetterStorage) {
    problem('DEAD_LETTER_STORAGE__blobServiceUri', 'is required (or host storage AzureWebJobsStorage__accountName) for dead letters');
  }
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(values.DEAD_LETTER_CONTAINER)) {
    problem('DEAD_LETTER_CONTAINER', `must be a blob container name (3-63 lowercase letters, digits, dashes), got "${values.DEAD_LETTER_CONTAINER}"`);
  }

  const deviceDirectory = parseDeviceDirectory(values, options, problems);

  const url = parseSiemUrl(values.SIEM_URL, (message) => problem('SIEM_URL', message));
  const auth = parseAuth(values, problems);
  const secret = parseSecretSource(values, problems);

  if (!url || !auth || !secret || !deviceDirectory || problems.length > 0) return undefined;
  return {
    eventHubs: { names: values.EVENT_HUB_NAMES, consumerGroup: values.EVENT_HUB_CONSUMER_GROUP },
    siem: {
      url,
      format: values.SIEM_FORMAT,
      auth,
      maxBatchBytes: values.SIEM_MAX_BATCH_BYTES,
      maxBatchRecords: values.SIEM_MAX_BATCH_RECORDS,
      timeoutMs: values.SIEM_TIMEOUT_SECONDS * 1000,
      concurrency: values.SIEM_MAX_CONCURRENCY,
    },
    secret,
    delivery: {
      retryBudgetMs: values.SIEM_RETRY_SECONDS * 1000,
      backoff: { initialMs: values.SIEM_RETRY_INITIAL_MS, maxMs: values.SIEM_RETRY_MAX_MS },
      outageHoldMs: values.SIEM_OUTAGE_HOLD_MINUTES * 60_000,
    },
    deadLetter: {
      ...(deadLetterStorage ? { blob: { connection: deadLetterStorage, container: values.DEAD_LETTER_CONTAINER } } : {}),
      directory: values.DEAD_LETTER_DIR,
    },
    enrich: values.MACHINE_GROUP_DEFAULT === undefined ? {} : { defaultMachineGroup: values.MACHINE_GROUP_DEFAULT },
    deviceDirectory,
    shape: { parseDynamicFields: values.PARSE_DYNAMIC_FIELDS },
  };
}

function parseDeviceDirectory(values: Settings, options: LoadOptions, problems: string[]): DeviceDirectoryConfig | undefined {
  const problem = (name: SettingName, message: string) => problems.push(`${name} ${message}`);
  const connection = resolveStorage(
    { serviceUri: values.DEVICE_DIRECTORY__tableServiceUri, connectionString: values.DEVICE_DIRECTORY },
    hostStorage(values, values.AzureWebJobsStorage__tableServiceUri),
    'table',
  );
  // Instances scale out one per partition; a per-process directory would leave most of them knowing nothing.
  if (options.functionsApp && !connection) {
    problem('DEVICE_DIRECTORY__tableServiceUri', 'is required (or host storage AzureWebJobsStorage__accountName or __tableServiceUri) for the device directory');
  }
  const name = values.DEVICE_DIRECTORY_TABLE;
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name)) {
    problem('DEVICE_DIRECTORY_TABLE', `must be a table name (3-63 letters and digits, starting with a letter), got "${name}"`);
  }
  const schedule = values.DEVICE_DIRECTORY_REFRESH_SCHEDULE;
  if (schedule !== undefined && !isNcrontab(schedule)) {
    problem('DEVICE_DIRECTORY_REFRESH_SCHEDULE', `must be an NCRONTAB expression with six fields (second minute hour day month weekday), got "${schedule}"`);
  }
  const apiUrl = parseHttpsUrl(values.DEFENDER_API_URL, (message) => problem('DEFENDER_API_URL', message));
  if (problems.length > 0 || !apiUrl) return undefined;
  return {
    ...(connection ? { table: { connection, name } } : {}),
    cache: { capacity: values.DEVICE_DIRECTORY_CACHE_SIZE, ttlMs: values.DEVICE_DIRECTORY_CACHE_MINUTES * 60_000 },
    ...(schedule ? { refresh: { schedule, apiUrl, scope: values.DEFENDER_API_SCOPE } } : {}),
  };
}

/** The host's storage (AzureWebJobsStorage), with the endpoint of the service a store falls back to. */
function hostStorage(values: Settings, serviceUri: string | undefined) {
  return { serviceUri, accountName: values.AzureWebJobsStorage__accountName, connectionString: values.AzureWebJobsStorage };
}

function isNcrontab(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 6 && fields.every((field) => /^[0-9A-Za-z*,/-]+$/.test(field));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
}

function parseSiemUrl(raw: string | undefined, report: (message: string) => void): URL | undefined {
  if (raw === undefined) return undefined;
  return parseHttpsUrl(raw, report);
}

/** An absolute https URL without credentials; plain http is allowed on loopback only (local receivers, tests). */
function parseHttpsUrl(raw: string, report: (message: string) => void): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    report(`must be an absolute URL, got "${raw}"`);
    return undefined;
  }
  if (url.username || url.password) {
    report('must not carry credentials; put the secret in Key Vault');
    return undefined;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) return url;
  report(`must be https (plain http is allowed only on loopback), got "${url.protocol}//${url.host}"`);
  return undefined;
}

function parseAuth(values: Settings, problems: string[]): SiemConfig['auth'] | undefined {
  if (values.SIEM_AUTH === 'bearer') return { mode: 'bearer' };
  if (values.SIEM_AUTH === 'none') return { mode: 'none' };
  const header = values.SIEM_AUTH_HEADER;
  if (!header || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    problems.push('SIEM_AUTH_HEADER is required when SIEM_AUTH=header: a valid HTTP header name such as X-Api-Key');
    return undefined;
  }
  return { mode: 'header', header };
}

function parseSecretSource(values: Settings, problems: string[]): SecretSource | undefined {
  const vaultUrl = values.KEY_VAULT_URL;
  const name = values.SIEM_SECRET_NAME;
  if (vaultUrl !== undefined || name !== undefined) {
    if (vaultUrl === undefined || name === undefined) {
      problems.push('KEY_VAULT_URL and SIEM_SECRET_NAME must be set together');
      return undefined;
    }
    if (!/^https:\/\/[^/]+\/?$/.test(vaultUrl) && !/^https:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/?$/.test(vaultUrl)) {
      problems.push(`KEY_VAULT_URL must be a vault URL such as https://my-vault.vault.azure.net, got "${vaultUrl}"`);
      return undefined;
    }
    if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
      problems.push(`SIEM_SECRET_NAME must be a Key Vault secret name (letters, digits, dashes), got "${name}"`);
      return undefined;
    }
    return { kind: 'key-vault', vaultUrl, name, cacheMs: values.SECRET_CACHE_MINUTES * 60_000 };
  }
  if (values.SIEM_SECRET) return { kind: 'value', value: values.SIEM_SECRET };
  if (values.SIEM_AUTH === 'none') return { kind: 'none' };
  problems.push(
    `SIEM_AUTH=${values.SIEM_AUTH} needs a secret: set KEY_VAULT_URL and SIEM_SECRET_NAME (or SIEM_SECRET for local development), or SIEM_AUTH=none`,
  );
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof URL) && !(value instanceof SecretValue)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
