/**
 * The device directory part of the configuration: the table every instance shares (its own endpoint, else the
 * host storage), the cache in front of it, and the optional refresh from the Defender for Endpoint machines API.
 */
import { resolveStorage, type StorageConnection } from '../azure/storageConnection.js';
import { quoted } from './quoted.js';
import { isNcrontab } from './schedule.js';
import type { SettingName, Settings } from './settings.js';
import { isSecureUrl } from './secureUrl.js';

export interface DeviceDirectoryConfig {
  /** The table every instance shares; undefined means each process keeps its own (the command line without storage). */
  readonly table?: { readonly connection: StorageConnection; readonly name: string };
  readonly cache: { readonly capacity: number; readonly ttlMs: number };
  /** Seeding from the Defender for Endpoint machines API on a timer; undefined when no schedule is set. */
  readonly refresh?: { readonly schedule: string; readonly apiUrl: URL; readonly scope: string };
}

type Report = (name: SettingName, message: string) => void;

export function parseDeviceDirectory(
  values: Settings,
  functionsApp: boolean,
  report: Report,
): DeviceDirectoryConfig | undefined {
  let valid = true;
  const problem: Report = (name, message) => {
    valid = false;
    report(name, message);
  };
  const connection = resolveStorage(
    { serviceUri: values.DEVICE_DIRECTORY__tableServiceUri, connectionString: values.DEVICE_DIRECTORY },
    hostStorage(values, values.AzureWebJobsStorage__tableServiceUri),
    'table',
  );
  // Instances scale out one per partition; a per-process directory would leave most of them knowing nothing.
  if (functionsApp && !connection) {
    problem(
      'DEVICE_DIRECTORY__tableServiceUri',
      'is required (or host storage AzureWebJobsStorage__accountName or __tableServiceUri) for the device directory',
    );
  }
  const name = values.DEVICE_DIRECTORY_TABLE;
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name)) {
    problem(
      'DEVICE_DIRECTORY_TABLE',
      `must be a table name (3-63 letters and digits, starting with a letter), got ${quoted(name)}`,
    );
  }
  const schedule = values.DEVICE_DIRECTORY_REFRESH_SCHEDULE;
  if (schedule !== undefined && !isNcrontab(schedule)) {
    problem(
      'DEVICE_DIRECTORY_REFRESH_SCHEDULE',
      `must be an NCRONTAB expression with six fields (second minute hour day month weekday), got ${quoted(schedule)}`,
    );
  }
  const apiUrl = URL.parse(values.DEFENDER_API_URL);
  if (!apiUrl || apiUrl.username || apiUrl.password || !isSecureUrl(apiUrl)) {
    problem(
      'DEFENDER_API_URL',
      `must be an https URL without credentials (plain http is allowed only on loopback), got ${quoted(values.DEFENDER_API_URL)}`,
    );
  }
  if (!valid || !apiUrl) return undefined;
  return {
    ...(connection ? { table: { connection, name } } : {}),
    cache: { capacity: values.DEVICE_DIRECTORY_CACHE_SIZE, ttlMs: values.DEVICE_DIRECTORY_CACHE_MINUTES * 60_000 },
    ...(schedule ? { refresh: { schedule, apiUrl, scope: values.DEFENDER_API_SCOPE } } : {}),
  };
}

/** The host's storage (AzureWebJobsStorage), with the endpoint of the service a store falls back to. */
export function hostStorage(values: Settings, serviceUri: string | undefined) {
  return {
    serviceUri,
    accountName: values.AzureWebJobsStorage__accountName,
    connectionString: values.AzureWebJobsStorage,
  };
}
